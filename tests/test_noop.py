"""A `finsam reports` run with nothing to do is decided without pandas, papermill or nbconvert
(publish/noop.py), and anything that changed a report's inputs still renders it.

Every run is a fresh `finsam` process on a project root of its own (FINSAM_ROOT): a copy of
data/raw with a trivial report template and comparison notebook, so that a render costs a
kernel start, not a real document.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_reports import make_template

from finsam_analysis.data import paths

slow = pytest.mark.slow
HEAVY = ("pandas", "numpy", "papermill", "nbconvert", "nbformat", "nbclient", "matplotlib", "pandera")
# runs main() and says which heavy modules it imported
PROBE = (
    "import json, sys\n"
    "from finsam_analysis.cli import main\n"
    "code = main(sys.argv[1:])\n"
    f"print('HEAVY=' + json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    "sys.exit(code)\n"
)
PARAMS = 'forbund = "x"\nyear = 2024\nsuppression_threshold = 5\nbase_year = None'
# two förbund of data/raw (discovered): the runs report the first; the second is "another target"
FIRST, OTHER = sorted(p.parent.name for p in paths.RAW_DIR.glob("*/forbund.yaml"))[:2]
ARGS = ("reports", "--no-progress", "--jobs", "1", "--forbund", FIRST)


def write_template(path: Path, *cells: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return make_template(path, *cells, params=PARAMS)


def finsam(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "FINSAM_ROOT": str(root), **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=environment, capture_output=True, text=True, timeout=600
    )


def heavy(run: subprocess.CompletedProcess) -> list[str]:
    return json.loads(re.search(r"^HEAVY=(.*)$", run.stdout, re.M).group(1))


def counts(run: subprocess.CompletedProcess) -> str:
    return re.search(r"\d+ ok, \d+ failed, \d+ unchanged", run.stdout).group(0)


def without_timings(text: str) -> str:
    """stdout without the HEAVY= line and with every number of seconds as T."""
    return re.sub(r"\d+\.\d+", "T", "\n".join(line for line in text.splitlines() if not line.startswith("HEAVY=")))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """A root whose report and comparison were just rendered (the run recorded its state)."""
    root = tmp_path_factory.mktemp("noop") / "root"
    shutil.copytree(paths.RAW_DIR, root / "data" / "raw")
    write_template(root / "notebooks" / "forbund_report.ipynb", "x = 1")
    write_template(root / "notebooks" / "jamforelse.ipynb", "y = 2")
    first = finsam(root, *ARGS)
    assert first.returncode == 0 and counts(first) == "1 ok, 0 failed, 0 unchanged", first.stdout + first.stderr
    assert "last_run" in json.loads((root / "reports" / "build-record.json").read_text(encoding="utf-8"))
    return root


@pytest.fixture()
def root(rendered, tmp_path):
    return shutil.copytree(rendered, tmp_path / "root", symlinks=True)


def reports_folder(root: Path) -> dict[str, bytes]:
    """Every file under reports/, the record without last_run."""
    files = {}
    for path in sorted((root / "reports").rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.name == "build-record.json":
                record = json.loads(data)
                record.pop("last_run", None)
                data = json.dumps(record, sort_keys=True).encode()
            files[path.relative_to(root).as_posix()] = data
    return files


@slow
def test_a_run_with_nothing_to_do_imports_no_pandas_and_does_what_the_normal_path_does(root, tmp_path):
    normal_root = shutil.copytree(root, tmp_path / "normal", symlinks=True)
    record_file = normal_root / "reports" / "build-record.json"
    record = json.loads(record_file.read_text(encoding="utf-8"))
    del record["last_run"]  # unknown state: the normal path decides
    record_file.write_text(json.dumps(record), encoding="utf-8")
    normal = finsam(normal_root, *ARGS)
    assert normal.returncode == 0 and "pandas" in heavy(normal), normal.stderr

    run = finsam(root, *ARGS)
    assert run.returncode == 0, run.stderr
    assert heavy(run) == []  # decided from hashes and the build record alone
    assert counts(run) == "0 ok, 0 failed, 1 unchanged"
    assert without_timings(run.stdout).replace(str(root), "ROOT") == without_timings(normal.stdout).replace(
        str(normal_root), "ROOT"
    )
    assert "comparison (jamforelse.html): unchanged" in run.stdout
    assert "1 report(s): 0 to render with 0 worker(s), 1 unchanged" in run.stderr
    # the same record (every report and the comparison now "unchanged") and the same index
    assert reports_folder(root) == reports_folder(normal_root)
    assert "oförändrad" in (root / "reports" / "index.html").read_text(encoding="utf-8")
    # and again: nothing left to write, not even the record
    files = {p: p.read_bytes() for p in (root / "reports").rglob("*") if p.is_file()}
    again = finsam(root, *ARGS)
    assert again.returncode == 0 and heavy(again) == [] and counts(again) == "0 ok, 0 failed, 1 unchanged"
    assert {p: p.read_bytes() for p in (root / "reports").rglob("*") if p.is_file()} == files


def edit_template(root: Path) -> None:
    write_template(root / "notebooks" / "forbund_report.ipynb", "x = 2")


def edit_raw_csv(root: Path) -> None:
    csv = sorted((root / "data" / "raw" / FIRST).glob("*/financials.csv"))[0]
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].rstrip("\n") + "ändrad anteckning\n"  # the note column of one row
    csv.write_text("".join(lines), encoding="utf-8")


def delete_report(root: Path) -> None:
    next((root / "reports").glob(f"*/{FIRST}.html")).unlink()


def edit_html(root: Path) -> None:
    html = next((root / "reports").glob(f"*/{FIRST}.html"))
    html.write_text(html.read_text(encoding="utf-8") + "<!-- hand edit -->", encoding="utf-8")


@slow
@pytest.mark.parametrize(
    "change", [edit_template, edit_raw_csv, delete_report, edit_html], ids=lambda f: f.__name__.replace("_", " ")
)
def test_a_changed_input_or_a_missing_document_renders_again(root, change):
    change(root)
    run = finsam(root, *ARGS)
    assert run.returncode == 0, run.stdout + run.stderr
    assert counts(run) == "1 ok, 0 failed, 0 unchanged"


@slow
def test_a_changed_parameter_renders_its_document(root):
    run = finsam(root, *ARGS, "--param", "suppression_threshold=10")
    assert run.returncode == 0, run.stderr
    assert counts(run) == "1 ok, 0 failed, 0 unchanged"
    assert list((root / "reports").glob(f"*/{FIRST}--troskel-10.html"))


@slow
def test_a_changed_package_renders_again(root, tmp_path):
    package = shutil.copytree(paths.PACKAGE_DIR, tmp_path / "src" / "finsam_analysis")
    module = package / "document" / "fmt.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    run = finsam(root, *ARGS, env={"PYTHONPATH": str(package.parent)})
    assert run.returncode == 0, run.stderr
    assert counts(run) == "1 ok, 0 failed, 0 unchanged"


@slow
def test_a_new_library_version_renders_again(root, tmp_path):
    """A library upgrade (here: a pandas dist-info of another version first on sys.path)."""
    site = tmp_path / "site"
    (site / "pandas-99.0.dist-info").mkdir(parents=True)
    run = finsam(root, *ARGS, env={"PYTHONPATH": str(site)})
    assert run.returncode == 0, run.stderr
    assert counts(run) == "1 ok, 0 failed, 0 unchanged"


@slow
def test_a_stale_processed_folder_is_rebuilt_and_force_renders(root):
    manifest = root / "data" / "processed" / "manifest.json"
    manifest.unlink()
    run = finsam(root, *ARGS)
    assert run.returncode == 0, run.stderr
    assert "pandas" in heavy(run) and manifest.is_file()  # the normal path rebuilt it
    assert counts(run) == "0 ok, 0 failed, 1 unchanged"
    forced = finsam(root, *ARGS, "--force")
    assert forced.returncode == 0 and counts(forced) == "1 ok, 0 failed, 0 unchanged"


@slow
def test_other_targets_take_the_normal_path(root):
    run = finsam(root, "reports", "--no-progress", "--jobs", "1", "--forbund", OTHER)
    assert run.returncode == 0, run.stderr
    assert "pandas" in heavy(run) and counts(run) == "1 ok, 0 failed, 0 unchanged"


@slow
def test_bad_options_are_refused_on_the_quick_path_too(root):
    run = finsam(root, *ARGS, "--jobs", "0")
    assert run.returncode == 2 and "jobs must be a positive int" in run.stderr
