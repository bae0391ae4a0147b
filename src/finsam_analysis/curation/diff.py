"""`finsam propose --diff`: proposals against what is curated, figure by figure.

Every difference is either a typo in the curated CSV or an error of the proposal: a curator
reviews each. Rows are paired on their key without section/page/note; a pair whose values
differ is shown as one line `~`, rows only in the proposals as `+`, only curated as `-`.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from finsam_analysis.curation.propose import PROPOSED_TABLES, Proposals
from finsam_analysis.curation.score import PROVENANCE, differences, read_csv
from finsam_analysis.data.schema import TABLES


def _label(table: str, row: dict) -> str:
    key = [str(row.get(c, "")) for c in TABLES[table].key if c not in PROVENANCE and c != "unit"]
    return f"{table} " + " ".join(k for k in key if k)


def _figure(row: dict) -> str:
    return f"{row.get('value')} {row.get('unit', '')}".strip()


def diff_lines(folder: Path, proposals: Proposals) -> list[str]:
    out: list[str] = []
    for table in PROPOSED_TABLES:
        columns = TABLES[table].column_names
        proposed = [p.csv_row(columns) for p in proposals.of(table)]
        curated = read_csv(folder / f"{table}.csv")
        only_p, only_c = differences(table, proposed, curated)
        by_label = defaultdict(list)
        for row in only_c:
            by_label[_label(table, row)].append(row)
        for row in only_p:
            label = _label(table, row)
            where = f"printed '{row['as_printed']}', line {row['line']}, confidence {row['confidence']}"
            if by_label.get(label):
                cur = by_label[label].pop(0)
                out.append(f"~ {label}: proposed {_figure(row)} ({where}); curated {_figure(cur)}")
            else:
                out.append(f"+ {label}: proposed {_figure(row)} ({where}); not curated")
        for label, rows in by_label.items():
            for row in rows:
                out.append(f"- {label}: curated {_figure(row)} ({row.get('section', '')}); not proposed")
    return out
