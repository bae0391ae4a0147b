"""Benchmark of the report runner (a script, not a test).

    .venv/bin/python benchmarks/bench_reports.py --trivial-only      # runner overhead only
    .venv/bin/python benchmarks/bench_reports.py                     # + the real template
    .venv/bin/python benchmarks/bench_reports.py --forbund halland --year 2025 --repeat 3

Measures, in one run:
  (a) N trivial notebooks (a parameters cell and `x = 1`) through run_reports with jobs=1:
      the floor, i.e. what papermill + kernel start + HTML export cost per report; and the
      same with jobs=2;
  (b) the real template (paths.REPORT_TEMPLATE) for the given targets (default: every förbund
      at its latest utfall year) with jobs=1 and jobs=2, force=True;
  (c) a second run with nothing changed (every report "unchanged": hashing + record only).
Everything is written to a temporary folder (or --out-dir), never to reports/.
With --repeat R each case runs R times and the fastest is reported (the machine is shared).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from finsam_analysis.data import paths
from finsam_analysis.data.targets import resolve_targets
from finsam_analysis.publish.runner import ReportTarget, RunSummary, run_reports


def trivial_template(path: Path) -> Path:
    nb = new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        }
    )
    parameters = new_code_cell('forbund = "x"\nyear = 2024')
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, new_code_cell("x = 1")]
    nbformat.write(nb, path)
    return path


def timed(
    label: str, targets, template: Path, out_dir: Path, jobs: int, force: bool, repeat: int, timeout: float, expect: str
) -> dict:
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        summary: RunSummary = run_reports(
            targets,
            template=template,
            out_dir=out_dir,
            jobs=jobs,
            force=force,
            timeout=timeout,
            progress=False,
        )
        seconds = time.perf_counter() - started
        bad = [r for r in summary.results if r.status != expect]
        if bad:
            print(summary.format(), file=sys.stderr)
            raise SystemExit(f"{label}: expected every report {expect!r}")
        best = seconds if best is None else min(best, seconds)
    row = {"case": label, "reports": len(targets), "jobs": jobs, "seconds": best}
    print(f"  {label}: {best:.2f} s", file=sys.stderr)
    return row


def table(rows: list[dict]) -> str:
    lines = [f"{'case':<34} {'reports':>7} {'jobs':>4} {'seconds':>8} {'s/report':>9}"]
    lines.append("-" * len(lines[0]))
    for r in rows:
        lines.append(
            f"{r['case']:<34} {r['reports']:>7} {r['jobs']:>4} {r['seconds']:>8.2f} {r['seconds'] / r['reports']:>9.3f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-n", "--trivial", type=int, default=8, metavar="N", help="number of trivial notebooks (default 8)"
    )
    parser.add_argument(
        "--trivial-only", action="store_true", help="only the trivial notebooks (no real template needed)"
    )
    parser.add_argument(
        "--forbund", action="append", metavar="SLUG", help="real-template target förbund (repeatable; default all)"
    )
    parser.add_argument("--year", type=int, help="real-template year (default: latest utfall)")
    parser.add_argument("--repeat", type=int, default=1, metavar="R", help="runs per case, fastest counts (default 1)")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--out-dir", type=Path, help="keep the outputs here (default: temp)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    work = args.out_dir or Path(tempfile.mkdtemp(prefix="bench-reports-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"cpus: {os.cpu_count()}, outputs in {work}", file=sys.stderr)
    rows: list[dict] = []
    try:
        template = trivial_template(work / "trivial.ipynb")
        trivial = [ReportTarget(f"bench-{i:02d}", 2024) for i in range(1, args.trivial + 1)]
        t_out = work / "trivial"
        common = dict(repeat=args.repeat, timeout=args.timeout)
        rows.append(timed("trivial, jobs=1 (floor)", trivial, template, t_out, 1, True, expect="ok", **common))
        rows.append(timed("trivial, jobs=2", trivial, template, t_out, 2, True, expect="ok", **common))
        rows.append(timed("trivial, unchanged", trivial, template, t_out, 2, False, expect="unchanged", **common))
        real: list[ReportTarget] = []
        if not args.trivial_only:
            if not paths.REPORT_TEMPLATE.exists():
                raise SystemExit(f"{paths.REPORT_TEMPLATE} does not exist: use --trivial-only")
            import finsam_analysis

            real = resolve_targets(finsam_analysis.load(), args.forbund, args.year)
            r_out = work / "real"
            rows.append(
                timed("real template, jobs=1", real, paths.REPORT_TEMPLATE, r_out, 1, True, expect="ok", **common)
            )
            rows.append(
                timed("real template, jobs=2", real, paths.REPORT_TEMPLATE, r_out, 2, True, expect="ok", **common)
            )
            rows.append(
                timed(
                    "real template, unchanged",
                    real,
                    paths.REPORT_TEMPLATE,
                    r_out,
                    2,
                    False,
                    expect="unchanged",
                    **common,
                )
            )
    finally:
        if args.out_dir is None:
            shutil.rmtree(work, ignore_errors=True)

    per = {r["case"]: r["seconds"] / r["reports"] for r in rows}
    floor = per["trivial, jobs=1 (floor)"]
    print(table(rows))
    print()
    print(f"floor per report (trivial, jobs=1):   {floor:.3f} s")
    print(f"speed-up 2 vs 1 jobs (trivial):       {floor / per['trivial, jobs=2']:.2f}")
    print(f"unchanged run (trivial, {len(trivial)} reports):   {rows[2]['seconds']:.3f} s")
    if real:
        print(f"real/floor per report (jobs=1):       {per['real template, jobs=1'] / floor:.2f}")
        print(
            f"speed-up 2 vs 1 jobs (real):          {per['real template, jobs=1'] / per['real template, jobs=2']:.2f}"
        )
        print(f"unchanged run (real, {len(real)} reports):     {rows[-1]['seconds']:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
