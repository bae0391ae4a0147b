"""Privacy at every exit: no personnummer is published, and none is ever printed.

The detector is data/personnummer.py (`scan_text`, or `find_personnummer` where that is not
there yet); this module applies it where things leave the project:

- `scan_inputs(raw_dir, template)` in the parent before any report is rendered: every text
  file under data/raw (known_discrepancies explanations included) and every cell of the
  template; a hit refuses the run (`PersonnummerError`, exit 2);
- `scan_notebook` / `scan_text_file` in the worker on the template, the executed notebook and
  the HTML of each report before anything is renamed into place (a hit fails that report);
- `scan_paths` for `finsam scan [PATH...]` (CI scans the repository, `make test`).

Every finding names the file and line and shows the number masked (`811218-****`); `mask`
masks anything else that could carry one into a summary (an error message, a cell's source).
"""

from __future__ import annotations

import fnmatch
import html
import json
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finsam_analysis.data import personnummer as _pnr

# What `finsam scan` reads as text (everything else: skipped as binary).
TEXT_SUFFIXES = (
    ".csv",
    ".yaml",
    ".yml",
    ".txt",
    ".md",
    ".json",
    ".ipynb",
    ".py",
    ".cfg",
    ".toml",
    ".ini",
    ".html",
    ".htm",
    ".j2",
    ".tpl",
    ".css",
    ".js",
    ".sh",
    ".log",
    "",
)
SKIP_DIRS = {".git", ".venv", "venv", "__pycache__", ".pytest_cache", "node_modules", ".ipynb_checkpoints"}
# Files allowed to hold made-up personnummer on purpose (tests of the detector), one glob per
# line, relative to the repository root; `#` starts a comment.
ALLOW_FILE = ".personnummer-allow"


class PersonnummerError(ValueError):
    """Personnummer found where nothing personal may be; the message lists them, masked."""

    def __init__(self, findings: Sequence[Finding], what: str):
        self.findings = list(findings)
        lines = [f.format() for f in self.findings[:20]]
        if len(self.findings) > 20:
            lines.append(f"... and {len(self.findings) - 20} more")
        super().__init__(
            f"{len(self.findings)} personnummer found in {what} (never curate or publish "
            "personal data: remove them, then rerun):\n" + "\n".join(lines)
        )


@dataclass(frozen=True)
class Finding:
    file: str  # as shown to the user (relative where possible)
    line: int
    masked: str
    where: str = ""  # e.g. "cell 3 source", "cell 5 output"

    def format(self) -> str:
        if self.where:
            return f"{self.file} ({self.where}, line {self.line}): looks like a personnummer ({self.masked})"
        return f"{self.file}:{self.line}: looks like a personnummer ({self.masked})"


def _detector():
    return getattr(_pnr, "scan_text", None) or _pnr.find_personnummer


def text_hits(text: str) -> list[tuple[int, int, str]]:
    """(line, column, masked) of every personnummer in text (1-based line and column)."""
    hits = []
    for hit in _detector()(text):
        if isinstance(hit, tuple):
            line, column, masked = hit[0], hit[1], hit[-1]
        else:
            line, column, masked = hit.line, getattr(hit, "column", 1), hit.masked
        hits.append((int(line), int(column), str(masked)))
    return hits


def mask(text: str | None) -> str | None:
    """text with the digits of every personnummer in it replaced by '*'."""
    if not text:
        return text
    hits = text_hits(text)
    if not hits:
        return text
    lines = text.split("\n")
    for line, column, masked in hits:
        if 1 <= line <= len(lines):
            row = lines[line - 1]
            start, end = column - 1, column - 1 + len(masked)  # the masked form is as long as the hit
            lines[line - 1] = row[:start] + "".join("*" if ch.isdigit() else ch for ch in row[start:end]) + row[end:]
    masked_text = "\n".join(lines)
    if text_hits(masked_text):  # a form the window missed: mask every digit
        masked_text = "".join("*" if ch.isdigit() else ch for ch in masked_text)
    return masked_text


def scan_text(text: str, file: str, where: str = "", first_line: int = 1) -> list[Finding]:
    return [Finding(file, first_line + line - 1, masked, where) for line, _, masked in text_hits(text)]


def scan_text_file(path: Path, shown: str | None = None) -> list[Finding]:
    """A file's findings; its content is scanned once per process (data.personnummer.find_in_bytes)."""
    file = shown or str(path)
    return [Finding(file, hit.line, hit.masked) for hit in _pnr.find_in_bytes(Path(path).read_bytes())]


_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


def scan_html(text: str, file: str) -> list[Finding]:
    """The HTML as written (line numbers of the file) and with its entities decoded (a number
    written as &#8209; or &nbsp; parts); embedded base64 images are not text and are skipped."""
    text = _DATA_URI.sub("data:,", text)
    found = {(f.line, f.masked): f for f in scan_text(text, file)}
    for line_no, line in enumerate(text.splitlines(), start=1):
        if "&" in line:
            for f in scan_text(html.unescape(line), file, first_line=line_no):
                found.setdefault((f.line, f.masked), f)
    return sorted(found.values(), key=lambda f: f.line)


def scan_download(path: Path, shown: str) -> list[Finding]:
    """A download of the document (an .xlsx or a .zip of CSVs: every member, as text; any
    other file as text). Findings name the member: `2024/alpha.xlsx!xl/sharedStrings.xml:1`."""
    import zipfile

    path = Path(path)
    if zipfile.is_zipfile(path):
        found = []
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist():
                if not member.is_dir():
                    text = archive.read(member).decode("utf-8", errors="replace")
                    found += scan_text(text, f"{shown}!{member.filename}")
        return found
    return scan_text_file(path, shown)


def _output_texts(output: Any) -> Iterable[str]:
    if output.get("output_type") == "stream":
        yield "".join(output.get("text", ""))
    elif output.get("output_type") == "error":
        yield output.get("ename", "") + ": " + output.get("evalue", "")
        yield "\n".join(output.get("traceback", []))
    for mime, value in (output.get("data") or {}).items():
        if mime.startswith("text/") or mime.endswith(("json", "javascript", "+xml", "latex")):
            yield value if isinstance(value, str) else "".join(value) if isinstance(value, list) else json.dumps(value)


def scan_notebook(nb: Any, file: str) -> list[Finding]:
    """Every cell's source (markdown and code), outputs and attachments' names, by cell."""
    found = []
    for index, cell in enumerate(nb.get("cells", [])):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        found += scan_text(source, file, f"cell {index} {cell.get('cell_type', '')} source".replace("  ", " "))
        for output in cell.get("outputs", []) or []:
            for text in _output_texts(output):
                found += scan_text(text, file, f"cell {index} output")
    found += scan_text(json.dumps(nb.get("metadata", {}), ensure_ascii=False), file, "metadata")
    return found


_NOTEBOOK_FINDINGS: dict[tuple[str, str], tuple[Finding, ...]] = {}


def scan_notebook_file(path: Path, shown: str | None = None) -> list[Finding]:
    """A notebook's findings, cached by its content (and the name shown) within the process."""
    import hashlib

    data = Path(path).read_bytes()
    key = (hashlib.sha256(data).hexdigest(), shown or str(path))
    if key not in _NOTEBOOK_FINDINGS:
        import nbformat

        _NOTEBOOK_FINDINGS[key] = tuple(scan_notebook(nbformat.reads(data.decode("utf-8"), as_version=4), key[1]))
    return list(_NOTEBOOK_FINDINGS[key])


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def scan_inputs(raw_dir: Path, template: Path, root: Path | None = None) -> list[Finding]:
    """What a run would publish from: every text file under raw_dir, every cell of the template."""
    root = Path(root) if root is not None else Path(raw_dir).parent.parent
    found: list[Finding] = []
    if Path(raw_dir).is_dir():
        for path in sorted(Path(raw_dir).rglob("*")):
            if path.is_file() and path.suffix in _pnr.SCAN_SUFFIXES:
                found += scan_text_file(path, _relative(path, root))
    found += scan_notebook_file(template, _relative(template, root))
    return found


# --------------------------------------------------------------------------- finsam scan


def allowed_globs(root: Path) -> list[str]:
    file = root / ALLOW_FILE
    if not file.is_file():
        return []
    globs = []
    for line in file.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            globs.append(line)
    return globs


def _tracked_files(root: Path) -> list[Path] | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return [root / name for name in out.decode("utf-8", "surrogateescape").split("\0") if name]


def _walk(path: Path) -> Iterable[Path]:
    if path.is_file():
        yield path
        return
    for child in sorted(path.iterdir()):
        if child.is_dir() and not child.is_symlink():
            if child.name not in SKIP_DIRS and not child.name.endswith(".egg-info"):
                yield from _walk(child)
        elif child.is_file():
            yield child


def scan_paths(targets: Sequence[Path], root: Path) -> tuple[list[Finding], int]:
    """Findings in the given files/folders (default: the repository's files, as git lists them,
    tracked or not but not ignored), and how many files were read. Files matching a glob of
    .personnummer-allow are skipped; so are files that are not text."""
    if targets:
        files = [f for t in targets for f in _walk(Path(t))]
    else:
        files = _tracked_files(root)
        if files is None:
            files = list(_walk(root))
    allow = allowed_globs(root)
    found: list[Finding] = []
    read = 0
    for path in files:
        shown = _relative(path, root)
        if any(fnmatch.fnmatch(shown, g) for g in allow) or not path.is_file():
            continue
        if path.suffix.lower() not in TEXT_SUFFIXES:
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if b"\0" in data[:8192]:
            continue  # binary
        read += 1
        text = data.decode("utf-8", errors="replace")
        if path.suffix == ".ipynb":
            try:
                found += scan_notebook(json.loads(text), shown)
                continue
            except ValueError:
                pass
        found += scan_text(text, shown)
    return found, read
