"""Personnummer scan: no personal identity number may sit in curated data or a report.

Personnummer (YYMMDD-NNNN / YYYYMMDD-NNNN, Luhn check digit; samordningsnummer with day+60)
are found by `find_personnummer` in text and by `scan_for_personnummer` in a folder tree.
Organisationsnummer (e.g. 222000-2600) have a "month" of 20 or more and are not flagged.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from finsam_analysis.data import paths


PERSONNUMMER = re.compile(
    r"(?<![\d.])(?P<century>19|20)?(?P<date>\d{6})(?P<sep>[-+]?)(?P<serial>\d{3})(?P<check>\d)(?!\d|\.\d)"
)
SCAN_SUFFIXES = (".csv", ".yaml", ".yml", ".txt", ".md", ".json")


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


def _valid(m: re.Match) -> bool:
    return _date_ok(m["century"], m["date"]) and luhn_ok(m["date"] + m["serial"] + m["check"])


def find_personnummer(text: str) -> list[PersonnummerHit]:
    """Every valid personnummer/samordningsnummer in `text`, with 1-based line and column."""
    hits = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        for m in PERSONNUMMER.finditer(line):
            if _valid(m):
                shown = (m["century"] or "") + m["date"] + (m["sep"] or "") + "****"
                hits.append(PersonnummerHit(lineno, m.start() + 1, shown))
    return hits


def scan_for_personnummer(
    root: Path | str | None = None, suffixes: Sequence[str] = SCAN_SUFFIXES
) -> pd.DataFrame:
    """Scan every text file under `root` (default data/raw) for personnummer.

    Columns: path (relative to root), line, column, masked. Empty frame = nothing found.
    """
    root = Path(root if root is not None else paths.RAW_DIR)
    rows = []
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in suffixes)
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        rel = path.name if root.is_file() else str(path.relative_to(root))
        rows.extend((rel, h.line, h.column, h.masked) for h in find_personnummer(text))
    return pd.DataFrame(rows, columns=["path", "line", "column", "masked"]).astype(
        {"path": "str", "line": "int64", "column": "int64", "masked": "str"})
