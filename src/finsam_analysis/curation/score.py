"""Proposals scored against curated rows: precision and recall, value-exact.

A proposal matches a curated row when every key column (the table's key without section, page
and note: where a figure is printed is provenance, not the figure) and the value in kronor
(counts and percentages as printed) agree. Matching is one-to-one (a multiset), so a figure
curated in two sections needs two proposals.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from finsam_analysis.data.schema import TABLES
from finsam_analysis.data.vocabulary import load_vocabulary

PROVENANCE = ("section", "page", "note")


def match_key(table: str, row: dict) -> tuple:
    spec = TABLES[table]
    factor = load_vocabulary().unit_factor(row["unit"]) if row.get("unit") in ("kr", "tkr", "mkr") else None
    value = float(row["value"]) * (factor or 1)
    unit = "kr" if factor else row.get("unit", "")
    key = tuple(str(row.get(c, "") or "") for c in spec.key if c not in PROVENANCE and c != "unit")
    return (*key, unit, round(value, 2))


def group_of(table: str, row: dict) -> str:
    return f"{table}:{row['statement']}" if table == "financials" else table


@dataclass
class Score:
    group: str
    proposed: int
    curated: int
    matched: int

    @property
    def precision(self) -> float | None:
        return self.matched / self.proposed if self.proposed else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.curated if self.curated else None


def read_csv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def score_rows(table: str, proposed: list[dict], curated: list[dict]) -> dict[str, Score]:
    """Per group (table, and statement for financials): counts of proposed, curated, matched."""
    scores: dict[str, Score] = {}
    groups = {group_of(table, r) for r in proposed + curated}
    for group in sorted(groups):
        p = Counter(match_key(table, r) for r in proposed if group_of(table, r) == group)
        c = Counter(match_key(table, r) for r in curated if group_of(table, r) == group)
        matched = sum((p & c).values())
        scores[group] = Score(group, sum(p.values()), sum(c.values()), matched)
    return scores


def differences(table: str, proposed: list[dict], curated: list[dict]) -> tuple[list[dict], list[dict]]:
    """(proposed rows with no curated twin, curated rows with no proposed twin)."""
    return _without_twin(table, proposed, curated), _without_twin(table, curated, proposed)


def _without_twin(table: str, rows: list[dict], others: list[dict]) -> list[dict]:
    """The rows of `rows` left over once each row of `others` has taken one equal-keyed twin."""
    remaining = Counter(match_key(table, r) for r in others)
    left = []
    for row in rows:
        key = match_key(table, row)
        if remaining[key]:
            remaining[key] -= 1
        else:
            left.append(row)
    return left
