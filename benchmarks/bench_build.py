"""Benchmark `finsam build` and `finsam validate` against a floor measured in the same run.

The floor is a bare `python -c "import pandas"`: the cost every command pays before doing any
work. Each command runs --repeat times as a fresh process; the median is reported with its
ratio to the floor. Usage: python benchmarks/bench_build.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FINSAM = [sys.executable, "-m", "finsam_analysis.cli"]


def timed(command: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        cases = {
            "floor: python -c 'import pandas'": [sys.executable, "-c", "import pandas"],
            "finsam build (to a temp dir)": [*FINSAM, "build", "--out", str(Path(out) / "processed")],
            "finsam validate": [*FINSAM, "validate"],
        }
        results = {name: timed(cmd, args.repeat) for name, cmd in cases.items()}
    floor = statistics.median(next(iter(results.values())))
    print(f"{'command':40} {'median s':>9} {'min s':>7} {'x floor':>8}")
    for name, times in results.items():
        median = statistics.median(times)
        print(f"{name:40} {median:9.3f} {min(times):7.3f} {median / floor:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
