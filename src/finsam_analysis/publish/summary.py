"""What a `finsam reports` run did: one result per report and the run's summary table.

Kept apart from the runner (which imports the process pool and, in its workers, papermill) so
that a run with nothing to do (publish/noop.py) prints the same summary without them.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finsam_analysis.data.targets import ReportTarget

DEFAULT_TIMEOUT = 600.0
COMPARISON_PAGE = "jamforelse"  # notebooks/jamforelse.ipynb -> reports/jamforelse.html


@dataclass(frozen=True)
class ReportResult:
    target: ReportTarget
    status: str  # ok | failed | unchanged
    seconds: float = 0.0
    error: str | None = None  # "ename: evalue" for failures
    failing_cell: str | None = None  # "cell <index>: <first lines of its source>"
    ename: str | None = None


@dataclass
class RunSummary:
    results: list[ReportResult] = field(default_factory=list)
    seconds: float = 0.0
    out_dir: Path | None = None
    problems: list[str] = field(default_factory=list)  # of the run itself (record, index)
    # förbund in data/raw without any reportable year -> the reason (data.targets.unreportable);
    # those asked for by name count as failed
    unreportable: dict[str, str] = field(default_factory=dict)
    requested_unreportable: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def ok(self) -> bool:
        """True when no report failed (unchanged ones count as fine), no förbund asked for by
        name was unreportable, and the record and index were saved."""
        return not self.failed and not self.problems and not self.requested_unreportable

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def format(self) -> str:
        """A plain-text table, one line per target, failures with their error and cell."""
        header = f"{'förbund':<20} {'year':>4}  {'status':<9} {'seconds':>8}  error"
        lines = [header, "-" * len(header)]
        for r in self.results:
            error = r.error or ""
            if r.failing_cell:
                error += f" [{r.failing_cell}]"
            lines.append(
                f"{r.target.forbund:<20} {r.target.year:>4}  {r.status:<9} {r.seconds:>8.1f}  {error}".rstrip()
            )
        for forbund, reason in self.unreportable.items():
            status = "failed" if forbund in self.requested_unreportable else "no report"
            lines.append(f"{forbund:<20} {'-':>4}  {status:<9} {0.0:>8.1f}  {reason}")
        lines.append("-" * len(header))
        lines.append(
            f"{len(self.results)} report(s): {self.count('ok')} ok, "
            f"{self.count('failed')} failed, {self.count('unchanged')} unchanged "
            f"in {self.seconds:.1f} s"
            + (f"; {len(self.unreportable)} förbund without a report" if self.unreportable else "")
        )
        lines.extend(f"error: {problem}" for problem in self.problems)
        return "\n".join(lines)


def check_run_options(jobs: Any, timeout: Any) -> int:
    """The number of workers (default: one per CPU); ValueError on a bad jobs or timeout."""
    if jobs is None:
        jobs = os.cpu_count() or 1
    if type(jobs) is not int or jobs < 1:
        raise ValueError(f"jobs must be a positive int, got {jobs!r}")
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not math.isfinite(timeout) or timeout <= 0:
        raise ValueError(f"timeout must be a positive, finite number of seconds, got {timeout!r}")
    return jobs
