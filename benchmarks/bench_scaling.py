"""Scaling benchmark: build, validate and reports on synthetic 10/30/70-förbund roots (a script, not a test).

    .venv/bin/python benchmarks/bench_scaling.py                 # sizes 10 30 70
    .venv/bin/python benchmarks/bench_scaling.py --sizes 10 30 --jobs 2
    .venv/bin/python benchmarks/bench_scaling.py --baseline /path/to/old/checkout/src   # before/after

Every size is a separate synthetic root (benchmarks/synthetic.py: copies of the curated
förbund under new slugs, in a temp folder, never in data/raw). Each command runs as a fresh
process with FINSAM_ROOT pointing at that root, so it pays what a user pays. Floors measured
in the same run:
  - `python -c "import pandas"`: what any command pays before work (for build, validate and a
    no-op `finsam reports` where every report is unchanged);
  - the same number of trivial notebooks (a parameters cell and `x = 1`) through the same
    runner and jobs: what papermill + kernel start + HTML export cost per report.
Linear means seconds per förbund stay flat as the size grows. With --baseline SRC, every case
also runs with another checkout's package (PYTHONPATH=SRC) on the same root, right after the
current one, so before and after are measured in one run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import make_root  # noqa: E402

PY = sys.executable
ROOT = Path(__file__).resolve().parents[1]
TRIVIAL = """
import sys
from pathlib import Path
import nbformat
from nbformat.v4 import new_code_cell, new_notebook
try:
    from finsam_analysis.publish.runner import ReportTarget, run_reports
except ImportError:  # a checkout from before the publish/ folder
    from finsam_analysis.reports import ReportTarget, run_reports
n, jobs, out = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                            "language_info": {"name": "python"}})
p = new_code_cell('forbund = "x"\\nyear = 2024'); p.metadata["tags"] = ["parameters"]
nb.cells = [p, new_code_cell("x = 1")]
out.mkdir(parents=True, exist_ok=True); nbformat.write(nb, out / "t.ipynb")
s = run_reports([ReportTarget(f"trivial-{i:03d}", 2024) for i in range(n)], template=out / "t.ipynb",
                out_dir=out / "reports", jobs=jobs, progress=False, force=True)
sys.exit(s.exit_code)
"""


def timed(command: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds


def measure(n: int, jobs: int, work: Path, src: str | None = None) -> list[tuple[str, float, float]]:
    """Every case for one size; src: run another checkout's package instead of this one."""
    tag = "baseline" if src else "current"
    root = make_root(n, work / f"root-{n}-{tag}", Path(src).parent if src else ROOT)
    env = {**os.environ, "FINSAM_ROOT": str(root)}
    if src:
        env["PYTHONPATH"] = src
    finsam = [PY, "-m", "finsam_analysis.cli"]
    floor_import = min(timed([PY, "-c", "import pandas"]) for _ in range(3))
    build = timed([*finsam, "build"], env)
    validate = timed([*finsam, "validate"], env)
    reports = timed([*finsam, "reports", "--no-progress", "--jobs", str(jobs)], env)
    noop = min(timed([*finsam, "reports", "--no-progress", "--jobs", str(jobs)], env) for _ in range(3))
    trivial = timed([PY, "-c", TRIVIAL, str(n), str(jobs), str(work / f"trivial-{n}-{tag}")], env)
    return [
        ("floor: import pandas", floor_import, 1.0),
        ("finsam build", build, build / floor_import),
        ("finsam validate", validate, validate / floor_import),
        (f"floor: {n} trivial notebooks", trivial, 1.0),
        (f"finsam reports ({n} reports)", reports, reports / trivial),
        ("finsam reports, nothing to do", noop, noop / floor_import),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 30, 70])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--baseline", help="src/ folder of another checkout, measured in the same run")
    args = parser.parse_args()
    versions = [("current", None)] + ([("baseline", args.baseline)] if args.baseline else [])
    print(f"{'version':9} {'förbund':>7}  {'case':36} {'seconds':>8} {'s/förbund':>9} {'x floor':>8}")
    with tempfile.TemporaryDirectory(prefix="finsam-scaling-") as tmp:
        for n in args.sizes:
            for version, src in versions:
                for case, seconds, ratio in measure(n, args.jobs, Path(tmp), src):
                    print(f"{version:9} {n:>7}  {case:36} {seconds:8.2f} {seconds / n:9.3f} {ratio:8.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
