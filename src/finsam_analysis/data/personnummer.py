"""Personnummer scan: no personal identity number may sit in curated data or a report.

Personnummer (YYMMDD-NNNN / YYYYMMDD-NNNN, Luhn check digit; samordningsnummer with day+60)
are found by `find_personnummer` in text and by `scan_for_personnummer` in a folder tree.
Organisationsnummer (e.g. 222000-2600) have a "month" of 20 or more and are not flagged.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from finsam_analysis.data import paths

if TYPE_CHECKING:
    import pandas as pd

# Separators a personnummer is written with between date and serial: none, '-', '+' (over 100),
# a space, tab, no-break/narrow/thin space, en/em dash, minus sign, non-breaking hyphen, and
# the same as HTML entities or JSON escapes (a notebook or an HTML page).
_SPACE = r"[ \t\u00a0\u202f\u2009\u2007]|&nbsp;|&#160;|&#xa0;|\\u00a0|\\u202f"
_DASH = r"[-\u2010\u2011\u2012\u2013\u2014\u2212]|&ndash;|&mdash;|&#8211;|&minus;|\\u2013|\\u2014|\\u2212"
SEPARATOR = rf"(?:{_SPACE}|{_DASH}|\+)"
PERSONNUMMER = re.compile(
    r"(?<![0-9])(?<![0-9][.,])"
    r"(?P<century>19|20)?(?P<yy>[0-9]{2})"
    rf"(?:(?P<dsep>{_DASH})(?P<mm1>[0-9]{{2}})(?P=dsep)(?P<dd1>[0-9]{{2}})|(?P<mm2>[0-9]{{2}})(?P<dd2>[0-9]{{2}}))"
    rf"(?P<sep>{SEPARATOR}?)(?P<serial>[0-9]{{3}})(?P<check>[0-9])"
    rf"(?![0-9])(?![.,][0-9])(?!(?:{_DASH})[0-9])"
)
SCAN_SUFFIXES = (".csv", ".yaml", ".yml", ".txt", ".md", ".json", ".ipynb", ".html", ".htm", ".tsv")


@dataclass(frozen=True)
class PersonnummerHit:
    line: int
    column: int
    masked: str  # the hit with its last four digits replaced, never the full number


def luhn_ok(digits: str) -> bool:
    """Luhn (modulus 10) check over a string of digits, weights 2,1,2,1,... from the left."""
    total = 0
    for i, ch in enumerate(digits):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return total % 10 == 0


def _date_ok(century: str | None, date: str) -> bool:
    yy, month, day = int(date[:2]), int(date[2:4]), int(date[4:6])
    if day > 60:  # samordningsnummer: day + 60
        day -= 60
    if not 1 <= month <= 12 or day < 1:
        return False
    years = [int(century + date[:2])] if century else [1900 + yy, 2000 + yy]
    return any(day <= calendar.monthrange(y, month)[1] for y in years)


def is_personnummer(text: str) -> bool:
    """True if `text` is a valid personnummer or samordningsnummer (10 or 12 digits, date, Luhn)."""
    m = PERSONNUMMER.fullmatch(text.strip())
    return bool(m) and _valid(m)


def _date(m: re.Match) -> str:
    return m["yy"] + (m["mm1"] or m["mm2"]) + (m["dd1"] or m["dd2"])


def _valid(m: re.Match) -> bool:
    # organisationsnummer have a "month" of 20 or more (third digit >= 2): never a valid date
    if m["dsep"] and not re.fullmatch(_DASH, m["sep"] or ""):
        return False  # "2024-12-31 2023": a dashed date is a personnummer only as 1912-12-12-1212
    return _date_ok(m["century"], _date(m)) and luhn_ok(_date(m) + m["serial"] + m["check"])


def _shown(m: re.Match) -> str:
    """The hit with its last four digits masked (never the full number)."""
    return m.group(0)[: m.start("serial") - m.start()] + "****"


def find_personnummer(text: str) -> list[PersonnummerHit]:
    """Every valid personnummer/samordningsnummer in `text`, with 1-based line and column."""
    hits = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        pos = 0
        while (m := PERSONNUMMER.search(line, pos)) is not None:
            if _valid(m):
                hits.append(PersonnummerHit(lineno, m.start() + 1, _shown(m)))
                pos = m.end()
            else:
                pos = m.start() + 1  # e.g. "16" + an organisationsnummer: try from the next digit
    return hits


def scan_text(text: str) -> list[PersonnummerHit]:
    """Every personnummer in any text (a CSV, YAML, notebook JSON, HTML, a rendered report).

    For the publish side: call it on everything before it is written; an empty list = clean.
    Hits carry the 1-based line and column and a masked form, never the number itself.
    """
    return find_personnummer(text)


_HITS_BY_CONTENT: dict[str, tuple[PersonnummerHit, ...]] = {}


def find_in_bytes(data: bytes) -> list[PersonnummerHit]:
    """find_personnummer over a file's bytes (UTF-8, undecodable bytes replaced, newlines as
    `read_text` gives them), cached by the sha256 of the bytes: a file scanned once in this
    process (by the build, the report run, its comparison) is not scanned again unless it
    changed."""
    key = hashlib.sha256(data).hexdigest()
    hits = _HITS_BY_CONTENT.get(key)
    if hits is None:
        text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
        hits = _HITS_BY_CONTENT[key] = tuple(find_personnummer(text))
    return list(hits)


def scan_for_personnummer(root: Path | str | None = None, suffixes: Sequence[str] = SCAN_SUFFIXES) -> pd.DataFrame:
    """Scan every text file under `root` (default data/raw) for personnummer.

    Columns: path (relative to root), line, column, masked. Empty frame = nothing found.
    """
    import pandas as pd  # the detector itself needs no pandas: the publish side scans without it

    root = Path(root if root is not None else paths.RAW_DIR)
    rows = []
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in suffixes)
    for path in files:
        rel = path.name if root.is_file() else str(path.relative_to(root))
        rows.extend((rel, h.line, h.column, h.masked) for h in find_in_bytes(path.read_bytes()))
    return pd.DataFrame(rows, columns=["path", "line", "column", "masked"]).astype(
        {"path": "str", "line": "int64", "column": "int64", "masked": "str"}
    )
