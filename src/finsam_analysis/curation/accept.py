"""`finsam accept`: confirmed rows from proposed/<table>.csv into the curated <table>.csv.

Rows are appended in the curated column order without the review columns (confidence,
as_printed, line); a row whose key is already curated is never written twice: with the same value
it is dropped as done, with another value it stays in proposed/ and is reported as a conflict.
Accepted rows leave the proposed file.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from finsam_analysis.curation.errors import InputError
from finsam_analysis.curation.proposal import EXTRA_COLUMNS
from finsam_analysis.curation.propose import PROPOSED_DIR, PROPOSED_TABLES
from finsam_analysis.data.schema import TABLES


@dataclass
class AcceptResult:
    accepted: dict[str, int] = field(default_factory=dict)
    already: dict[str, int] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)


def parse_rows(spec: str | None) -> set[int] | None:
    """ "2-5,9" -> {2, 3, 4, 5, 9}: line numbers of the proposed CSV (2 = first row)."""
    if not spec:
        return None
    out: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match:
            raise InputError(f"--rows {spec!r}: expected line numbers of the proposed CSV like 2-10,14")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if first < 2 or last < first:
            raise InputError(f"--rows {part!r}: line numbers start at 2 (line 1 is the header)")
        out.update(range(first, last + 1))
    return out


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict]) -> None:
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)


def _key(table: str, row: dict) -> tuple:
    return tuple(str(row.get(c, "") or "") for c in TABLES[table].key)


def _same_value(a: str, b: str) -> bool:
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


def accept(
    folder: Path, table: str | None = None, rows: set[int] | None = None, min_confidence: float = 0.0
) -> AcceptResult:
    tables = [table] if table else list(PROPOSED_TABLES)
    if table and table not in PROPOSED_TABLES:
        raise InputError(f"--table {table!r}: expected one of {', '.join(PROPOSED_TABLES)}")
    if rows and not table:
        raise InputError("--rows needs --table: line numbers refer to one proposed CSV")
    result = AcceptResult()
    found_any = False
    for name in tables:
        proposed_path = folder / PROPOSED_DIR / f"{name}.csv"
        if not proposed_path.exists():
            continue
        found_any = True
        proposed_header, proposed = _read(proposed_path)
        curated_path = folder / f"{name}.csv"
        columns = TABLES[name].column_names
        if curated_path.exists():
            header, curated = _read(curated_path)
        else:
            header, curated = columns, []
        existing = {_key(name, r): r for r in curated}
        keep, added, already = [], [], 0
        for line, row in enumerate(proposed, start=2):
            chosen = (rows is None or line in rows) and float(row.get("confidence") or 1) >= min_confidence
            if not chosen:
                keep.append(row)
                continue
            clean = {c: row.get(c, "") for c in header if c not in EXTRA_COLUMNS}
            key = _key(name, clean)
            if key in existing:
                if _same_value(existing[key].get("value", ""), clean.get("value", "")):
                    already += 1
                else:
                    result.conflicts.append(
                        f"{proposed_path.name}:{line}: {', '.join(k for k in key if k)}: proposed {clean.get('value')} "
                        f"but {curated_path.name} has {existing[key].get('value')}; kept in proposed/"
                    )
                    keep.append(row)
                continue
            existing[key] = clean
            added.append(clean)
        if rows is not None:
            missing = sorted(r for r in rows if r > len(proposed) + 1)
            if missing:
                raise InputError(f"--rows: {proposed_path} has no line {missing[0]} (last line {len(proposed) + 1})")
        if added:
            _write(curated_path, header, curated + added)
        if keep:
            _write(proposed_path, proposed_header, keep)
        else:
            proposed_path.unlink()
        result.accepted[name] = len(added)
        result.already[name] = already
    if not found_any:
        raise InputError(f"{folder / PROPOSED_DIR}: no proposals to accept; run `finsam propose` first")
    return result
