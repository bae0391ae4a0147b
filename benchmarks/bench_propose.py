"""Score `finsam propose` against every curated document under data/raw (discovered).

For each folder data/raw/<forbund>/<document>/ with a source.txt and curated CSVs, propose rows
from source.txt (in memory; nothing is written) and compare them value-exact with the curated
rows: precision = matched / proposed, recall = matched / curated, per table and, for
financials, per statement. Goal: recall >= 90 % and precision >= 99 % for the overview, RR, BR
and KF; recall >= 70 % for the rest.

    python benchmarks/bench_propose.py [--raw data/raw] [--details]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

from finsam_analysis.curation.propose import PROPOSED_TABLES, propose_folder
from finsam_analysis.curation.score import Score, differences, read_csv, score_rows
from finsam_analysis.data import paths
from finsam_analysis.data.schema import TABLES

CORE = ("financials:overview", "financials:income_statement", "financials:balance_sheet", "financials:cash_flow")


def documents(raw: Path) -> list[Path]:
    return sorted(
        p.parent for p in raw.glob("*/*/source.txt") if any((p.parent / f"{t}.csv").exists() for t in PROPOSED_TABLES)
    )


def pct(x: float | None) -> str:
    return "   -  " if x is None else f"{100 * x:5.1f}%"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", default=str(paths.RAW_DIR))
    parser.add_argument("--details", action="store_true", help="list every unmatched row")
    args = parser.parse_args(argv)
    totals: dict[str, Score] = defaultdict(lambda: Score("", 0, 0, 0))
    started = time.perf_counter()
    docs = documents(Path(args.raw))
    for folder in docs:
        proposals = propose_folder(folder)
        for table in PROPOSED_TABLES:
            columns = TABLES[table].column_names
            proposed = [p.csv_row(columns) for p in proposals.of(table)]
            curated = read_csv(folder / f"{table}.csv")
            for group, s in score_rows(table, proposed, curated).items():
                t = totals[group]
                totals[group] = Score(group, t.proposed + s.proposed, t.curated + s.curated, t.matched + s.matched)
            if args.details:
                only_p, only_c = differences(table, proposed, curated)
                for row in only_p:
                    print(f"  {folder.parent.name}/{folder.name} proposed only: {row}")
                for row in only_c:
                    print(
                        f"  {folder.parent.name}/{folder.name} curated only:  "
                        f"{dict((k, row.get(k, '')) for k in columns if k != 'note')}"
                    )
    elapsed = time.perf_counter() - started
    print(
        f"propose on {len(docs)} curated documents in {elapsed:.2f} s "
        "(value-exact; key columns without section/page/note)\n"
    )
    print(f"{'table:statement':34} {'proposed':>8} {'curated':>8} {'matched':>8} {'precision':>10} {'recall':>8}  goal")
    for group in sorted(totals, key=lambda g: (g not in CORE, g)):
        s = totals[group]
        goal = "P>=99% R>=90%" if group in CORE else "R>=70%"
        print(
            f"{group:34} {s.proposed:8d} {s.curated:8d} {s.matched:8d} "
            f"{pct(s.precision):>10} {pct(s.recall):>8}  {goal}"
        )
    core = [totals[g] for g in CORE if g in totals]
    p, c, m = (sum(getattr(s, a) for s in core) for a in ("proposed", "curated", "matched"))
    print(
        f"\n{'core (overview+RR+BR+KF)':34} {p:8d} {c:8d} {m:8d} "
        f"{pct(m / p if p else None):>10} {pct(m / c if c else None):>8}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
