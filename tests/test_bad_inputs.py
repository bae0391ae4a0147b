"""No traceback ever for bad input: every case in tests/bad_inputs/ ends in a clear message.

Each case (one YAML file) names a file of a copy of data/raw (a glob; the first match that
fits), how to break it, and the message expected. The test copies the slice of data/raw the
case touches (that förbund and reference/) to a temp folder, applies the case, runs
`finsam build` and `finsam validate` in process (cli.main with --raw) and asserts the exit
code (2 = bad input; 1 = validate findings), the message, no traceback, and that the
processed folder is byte-identical afterwards.

Case keys (see tests/bad_inputs/README.md):
  file          glob under data/raw, e.g. "*/*/financials.csv" (sorted; first that fits)
  action        set_field | replace_line | substitute | write | write_bytes | append |
                mkdir | symlink_outside | delete | rename | delete_forbund
  row           for set_field: {column: value} the row must have (first such row)
  column, text  for set_field: the new cell text
  line, text    for replace_line (1-based)
  old, new      for substitute (the first file containing `old`; first occurrence);
                new alone: the new name for rename
  text / hex    for write / write_bytes / append
  expect        substring of the output; {file} is the broken file relative to the raw copy,
                {line} the line set_field changed
  build_exit    default 2;  validate_exit  default 2
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest

from finsam_analysis.cli import main
from finsam_analysis.data import paths
from finsam_analysis.data.yamlfile import load_yaml

CASES_DIR = Path(__file__).with_name("bad_inputs")
CASES = sorted(CASES_DIR.glob("*.yaml"))


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    """data/processed of the pristine data: every case must leave it byte-identical."""
    out = tmp_path_factory.mktemp("processed") / "processed"
    assert main(["build", "--raw", str(paths.RAW_DIR), "--out", str(out)]) == 0
    return out


def fits(path: Path, case: dict) -> bool:
    if case["action"] == "substitute":
        return path.is_file() and case["old"] in path.read_text(encoding="utf-8")
    if case["action"] == "set_field":
        return path.is_file() and find_row(path, case) is not None
    if case["action"] == "replace_line":
        return path.is_file() and len(path.read_text(encoding="utf-8").splitlines()) >= case["line"]
    return True


def find_row(path: Path, case: dict) -> int | None:
    """Index (0 = header) of the first row whose cells match case['row'] (all rows if none)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    if case["column"] not in header:
        return None
    for i, row in enumerate(rows[1:], start=1):
        record = dict(zip(header, row))
        wanted = case.get("row") or {}
        if all((record.get(k) != "") if v == "<nonempty>" else record.get(k) == str(v) for k, v in wanted.items()):
            return i
    return None


def target(raw: Path, case: dict) -> Path:
    matches = [p for p in sorted(raw.glob(case["file"])) if fits(p, case)]
    if not matches and case["action"] in ("write", "write_bytes", "mkdir", "symlink_outside"):
        # a file that does not exist yet: the glob's folder part must match
        folder, name = case["file"].rsplit("/", 1)
        matches = [p / name for p in sorted(raw.glob(folder)) if p.is_dir()]
    assert matches, f"no file fits {case['file']} for this case; the case is stale"
    return matches[0]


def apply(path: Path, case: dict, outside: Path) -> int | None:
    """Break the file as the case says; returns the line broken, where there is one."""
    action = case["action"]
    if action == "set_field":
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        i = find_row(path, case)
        assert all(len(r) for r in rows) and "\n" not in "".join(",".join(r) for r in rows[: i + 1]), (
            "line numbers would shift"
        )
        rows[i][rows[0].index(case["column"])] = case["text"]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        return i + 1
    elif action == "replace_line":
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[case["line"] - 1] = case["text"].rstrip("\n") + "\n"
        path.write_text("".join(lines), encoding="utf-8")
    elif action == "substitute":
        path.write_text(path.read_text(encoding="utf-8").replace(case["old"], case["new"], 1), encoding="utf-8")
    elif action == "write":
        path.write_text(expand(case["text"]), encoding="utf-8")
    elif action == "write_bytes":
        path.write_bytes(bytes.fromhex(case["hex"]))
    elif action == "append":
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(expand(case["text"]))
    elif action == "mkdir":
        path.unlink()
        path.mkdir()
        (path / "x.csv").write_text("a\n", encoding="utf-8")
    elif action == "symlink_outside":
        outside.write_bytes(path.read_bytes() if path.exists() else b"")
        if path.exists():
            path.unlink()
        path.symlink_to(outside)
    elif action == "delete":
        path.unlink()
    elif action == "rename":
        path.rename(path.with_name(case["new"]))
    elif action == "delete_forbund":
        shutil.rmtree(path.parent)
    else:
        raise AssertionError(f"unknown action {action!r}")
    return case.get("line")


def expand(text: str) -> str:
    """Case text with {long:N} expanded to N characters (a field over the CSV field limit)."""
    if "{long:" in text:
        head, rest = text.split("{long:", 1)
        count, tail = rest.split("}", 1)
        return head + "x" * int(count) + tail
    return text


def slice_of_raw(tmp: Path, case: dict) -> tuple[Path, Path]:
    """A copy of the part of data/raw a case needs: reference/ and the one förbund it touches
    (the first förbund, for a case on reference/). Returns (raw copy, file to break)."""
    raw = tmp / "raw"
    shutil.copytree(paths.RAW_DIR, raw, symlinks=True)
    path = target(raw, case)
    forbunds = sorted(p.parent.name for p in raw.glob("*/forbund.yaml"))
    touched = path.relative_to(raw).parts[0]
    keep = {"reference", touched if touched in forbunds else forbunds[0]}
    for other in raw.iterdir():
        if other.is_dir() and other.name not in keep:
            shutil.rmtree(other)
    return raw, path


@pytest.mark.parametrize("case_path", CASES, ids=[p.stem for p in CASES])
def test_bad_input_gives_a_clear_message(case_path, tmp_path, processed, capsys):
    case = load_yaml(case_path)
    raw, path = slice_of_raw(tmp_path, case)
    line = apply(path, case, tmp_path / "outside.csv")
    expected = case["expect"].replace("{file}", str(path.relative_to(raw))).replace("{line}", str(line))
    before = digest(processed)
    capsys.readouterr()

    out = processed if case.get("build_exit", 2) != 0 else tmp_path / "scratch"
    code = main(["build", "--raw", str(raw), "--out", str(out)])
    build = capsys.readouterr()
    assert "Traceback" not in build.err + build.out
    assert code == case.get("build_exit", 2), f"build exit {code}:\n{build.err[-2000:]}"
    if code != 0:
        assert expected in build.err, f"expected {expected!r} in:\n{build.err[-3000:]}"

    code = main(["validate", "--raw", str(raw), "--processed", str(processed)])
    validate = capsys.readouterr()
    assert "Traceback" not in validate.err + validate.out
    assert code == case.get("validate_exit", 2), (
        f"validate exit {code}:\n{validate.err[-2000:]}\n{validate.out[-2000:]}"
    )
    assert expected in validate.err + validate.out, f"expected {expected!r} in:\n{validate.err[-3000:]}"
    assert digest(processed) == before, "data/processed changed"


def test_the_corpus_is_large_and_every_case_is_distinct():
    cases = [load_yaml(p) for p in CASES]
    assert len(cases) >= 60
    keys = [
        (
            c["file"],
            c["action"],
            c.get("column"),
            c.get("text"),
            c.get("old"),
            c.get("new"),
            c.get("hex"),
            c.get("line"),
        )
        for c in cases
    ]
    assert len(set(keys)) == len(keys), "two cases break the same thing the same way"
    for path, case in zip(CASES, cases):
        assert set(case) <= {
            "description",
            "file",
            "action",
            "row",
            "column",
            "text",
            "line",
            "old",
            "new",
            "hex",
            "expect",
            "build_exit",
            "validate_exit",
        }, path.name
        assert case.get("description") and case.get("expect"), path.name
