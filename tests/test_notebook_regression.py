"""nbval regression bites: a changed curated figure makes the committed report notebook fail.

The committed notebooks/forbund_report.ipynb holds the outputs for the curated data. Re-running
it under nbval against a temp copy of the data passes unchanged, and fails once one figure in
data/raw changes — so no figure can move without someone looking at the diff.
"""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from finsam_analysis.data import paths
from finsam_analysis.data.loader import load_raw
from finsam_analysis.data.vocabulary import load_vocabulary
from finsam_analysis.document import fmt

pytestmark = pytest.mark.slow


def run_nbval(root) -> subprocess.CompletedProcess:
    env = dict(os.environ, FINSAM_ROOT=str(root))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rf",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(root / "notebooks" / "sanitize.cfg"),
            str(root / "notebooks" / "forbund_report.ipynb"),
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def project_copy(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(paths.RAW_DIR, root / "data" / "raw")
    (root / "notebooks").mkdir()
    for name in ("forbund_report.ipynb", "sanitize.cfg", "conftest.py"):
        shutil.copy(paths.NOTEBOOKS_DIR / name, root / "notebooks" / name)
    return root


def committed_parameters() -> dict:
    """The parameters the committed report notebook was executed with (its parameters cell)."""
    notebook = json.loads(paths.REPORT_TEMPLATE.read_text(encoding="utf-8"))
    [cell] = [c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", [])]
    values: dict = {}
    exec("".join(cell["source"]), {}, values)  # plain assignments (document.parameters)
    return values


def net_result_row(raw_dir, forbund):
    """(csv path, line number, value, unit) of the report year's income-statement result."""
    [loaded] = load_raw(raw_dir, only=[forbund])
    rows = [
        (doc.folder / "financials.csv", row)
        for doc in loaded.documents
        if "financials" in doc.tables
        for _, row in doc.tables["financials"].iterrows()
        if row["item"] == "net_result" and row["basis"] == "utfall" and row["statement"] == "income_statement"
    ]
    path, row = max(rows, key=lambda r: (int(r[1]["year"]), r[0].parent.name))
    return path, int(row["_line"]), float(row["value"]), row["unit"]


def test_one_changed_figure_fails_only_the_cells_that_show_it_with_a_hint(project_copy):
    # (the unchanged notebook passing is the main suite's own nbval run of notebooks/)
    forbund = committed_parameters()["forbund"]
    path, line, value, unit = net_result_row(project_copy / "data" / "raw", forbund)
    lines = path.read_text(encoding="utf-8").split("\n")
    typed = lines[line - 1].split(",")[4]
    assert float(typed) == value
    changed = f"{value + 1:.{len(typed.partition('.')[2])}f}"
    fields = lines[line - 1].split(",")
    fields[4] = changed
    lines[line - 1] = ",".join(fields)
    path.write_text("\n".join(lines), encoding="utf-8")
    result = run_nbval(project_copy)
    assert result.returncode != 0
    assert "Cell outputs differ" in result.stdout
    factor = load_vocabulary().unit_factor(unit)
    assert fmt.kronor((value + 1) * factor) in result.stdout  # the new result, against the stored one
    assert "run `make notebooks`" in result.stdout and "review the diff" in result.stdout
    # the copy itself works: the set-up cell and most cells pass; only cells showing the figure fail
    failed = set(re.findall(r"^FAILED \S+::Cell (\d+)", result.stdout, flags=re.M))
    passed = int(re.search(r"(\d+) passed", result.stdout).group(1))
    assert failed and "1" not in failed and passed > 2 * len(failed), result.stdout[-2000:]
