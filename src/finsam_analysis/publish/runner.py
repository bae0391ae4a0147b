"""Render one analysis document per (förbund, year) from the papermill report template.

    from finsam_analysis.publish.runner import ReportTarget, run_reports
    summary = run_reports([ReportTarget("halland", 2025)], jobs=2)
    print(summary.format()); raise SystemExit(summary.exit_code)

For each target the template (paths.REPORT_TEMPLATE) is executed through papermill's Python
API in a worker process, giving reports/<year>/<forbund>.ipynb, and exported with nbconvert
(code hidden, parameter cells removed) to reports/<year>/<forbund>.html. reports/index.html
links them all. Details:

- parameters are validated before any work (names against the template's `parameters` cell,
  förbund as a slug, year as an int);
- one failing report (error in a cell, dead kernel, timeout, even a dead worker process) does
  not stop the others; its previous good files stay, its notebook goes to
  <forbund>.failed.ipynb;
- reports/build-record.json stores an inputs hash per target (data/raw, the package's code and
  vocabularies, the template, the parameters); unchanged targets are skipped unless force=True.

The CLI subcommand (`finsam reports`) is added by `register(subparsers)`.
"""
from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from finsam_analysis.data import paths
from finsam_analysis.publish.record import (
    RECORD_NAME,
    inputs_digest,
    load_record,
    parameters_json,
    record_key,
    save_record,
    sweep_temp_files,
    target_hash,
    write_index,
)
from finsam_analysis.publish.render import (
    KERNEL_NAME,
    RenderJob,
    render_one,
    warm_up,
    worker_init,
)

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger("finsam_analysis.publish.runner")

__all__ = [
    "ReportTarget",
    "ReportResult",
    "RunSummary",
    "run_reports",
    "default_targets",
    "register",
    "DEFAULT_TIMEOUT",
]

DEFAULT_TIMEOUT = 600.0
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
STATUSES = ("ok", "failed", "unchanged")


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True, order=True)
class ReportTarget:
    """One analysis document: a förbund slug and a year. Validated on construction."""

    forbund: str
    year: int

    def __post_init__(self) -> None:
        check_slug(self.forbund)
        # bool is an int subclass; numpy ints are not accepted either: pass int(year).
        if type(self.year) is not int:
            raise ValueError(
                f"year must be an int, got {self.year!r} ({type(self.year).__name__})"
            )
        if not 1000 <= self.year <= 9999:
            raise ValueError(f"year must have four digits, got {self.year}")

    def __str__(self) -> str:
        return f"{self.forbund} {self.year}"


def check_slug(forbund: object) -> str:
    """Refuse anything that is not a plain förbund slug (it becomes a file name)."""
    if not isinstance(forbund, str) or not SLUG_RE.fullmatch(forbund):
        raise ValueError(
            f"förbund must be a slug of lowercase ASCII letters, digits and '-' "
            f"(no path separators, no '..'), got {forbund!r}"
        )
    return forbund


def _as_target(item: ReportTarget | tuple[str, int]) -> ReportTarget:
    if isinstance(item, ReportTarget):
        # Re-check: a frozen dataclass can still be forged with object.__setattr__.
        ReportTarget(item.forbund, item.year)
        return item
    if isinstance(item, tuple) and len(item) == 2:
        return ReportTarget(*item)
    raise TypeError(f"a target is a ReportTarget(forbund, year), got {item!r}")


# --------------------------------------------------------------------------- results


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

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def ok(self) -> bool:
        """True when no report failed (unchanged ones count as fine)."""
        return not self.failed

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
                f"{r.target.forbund:<20} {r.target.year:>4}  {r.status:<9} "
                f"{r.seconds:>8.1f}  {error}".rstrip()
            )
        lines.append("-" * len(header))
        lines.append(
            f"{len(self.results)} report(s): {self.count('ok')} ok, "
            f"{self.count('failed')} failed, {self.count('unchanged')} unchanged "
            f"in {self.seconds:.1f} s"
        )
        return "\n".join(lines)


# --------------------------------------------------------------------------- validation


def template_parameters(template: Path) -> set[str]:
    """The parameter names declared in the template's `parameters` cell."""
    import papermill

    papermill_logger = logging.getLogger("papermill")
    level = papermill_logger.level
    papermill_logger.setLevel(max(level, logging.WARNING))  # its "Input Notebook:" INFO line
    try:
        return set(papermill.inspect_notebook(str(template)))
    finally:
        papermill_logger.setLevel(level)


def validate_parameters(template: Path, extra: Mapping[str, Any]) -> None:
    """Fail early: every parameter passed must be declared in the template.

    papermill itself only warns about unknown names and runs the notebook anyway.
    """
    declared = template_parameters(template)
    if not declared:
        raise ValueError(
            f"{template}: no cell tagged 'parameters' (or it declares nothing); "
            "cannot pass forbund/year"
        )
    clash = sorted({"forbund", "year"} & set(extra))
    if clash:
        raise ValueError(f"extra_parameters must not set {clash}: they come from each target")
    unknown = sorted(({"forbund", "year"} | set(extra)) - declared)
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {unknown} for template {template.name}; "
            f"it declares: {sorted(declared)}"
        )
    try:
        parameters_json(extra)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"extra_parameters must be JSON-serialisable: {exc}") from exc


# --------------------------------------------------------------------------- processes


def _mp_context():
    """How to start workers. On Linux fork (papermill and nbconvert are already imported in
    the parent, so a worker starts in milliseconds) as long as the parent has no other
    threads (forking a threaded process can deadlock: e.g. when called from a Jupyter kernel);
    otherwise forkserver or spawn: about a second more per run (imports), always safe."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _pool(max_workers: int, context: Any, stop_event: Any) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=max_workers, mp_context=context, initializer=worker_init,
        initargs=(stop_event,),
    )


def _stop_pool(pool: ProcessPoolExecutor, stop_event: Any, grace: float = 5.0) -> None:
    """Interrupted run: queued reports are skipped, running ones end (their kernels are shut
    down by nbclient's SIGTERM handler), and workers still alive after `grace` are killed
    (a kernel whose worker died exits by itself: ipykernel polls its parent)."""
    stop_event.set()
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in workers:
        if proc.is_alive():
            proc.terminate()
    deadline = time.monotonic() + grace
    for proc in workers:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join(1.0)


def _worker_died(job: RenderJob) -> dict[str, Any]:
    return {
        "status": "failed",
        "ename": "WorkerDied",
        "error": "WorkerDied: the worker process running this report died (killed or crashed)",
        "failing_cell": None,
        "seconds": 0.0,
    }


def _execute(jobs: list[RenderJob], max_workers: int, on_done) -> None:
    """Run jobs in a process pool, calling on_done(job, result) as each finishes.

    A worker that dies (segfault, OOM killer) breaks the whole pool and fails every job in
    it; those jobs are then retried one at a time, each in its own one-worker pool, so only
    the report that kills its worker is reported as failed.
    """
    retry: list[RenderJob] = []
    context = _mp_context()
    if context.get_start_method() == "fork":
        warm_up()
    stop_event = context.Event()
    pool = _pool(max_workers, context, stop_event)
    try:
        futures = {pool.submit(render_one, job): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool:
                retry.append(job)
                continue
            on_done(job, result)
    except BaseException:  # KeyboardInterrupt, or a bug in on_done
        _stop_pool(pool, stop_event)
        raise
    else:
        pool.shutdown(wait=True)
    if retry:
        logger.warning(
            "a worker process died; retrying %d report(s) one by one in fresh workers",
            len(retry),
        )
    for job in retry:
        single = _pool(1, context, stop_event)
        try:
            result = single.submit(render_one, job).result()
        except BrokenProcessPool:
            result = _worker_died(job)
        except BaseException:
            _stop_pool(single, stop_event)
            raise
        single.shutdown(wait=True)
        on_done(job, result)


def _progress_bar(total: int, enabled: bool):
    from tqdm import tqdm

    class _Bar(tqdm):
        monitor_interval = 0  # no monitor thread: workers are forked from this process

    # disable=None: tqdm switches itself off when stderr is not a terminal (cron, CI logs).
    return _Bar(
        total=total, disable=None if enabled else True, file=sys.stderr, desc="reports",
        unit="report", dynamic_ncols=True,
    )


# --------------------------------------------------------------------------- the runner


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def run_reports(
    targets: Iterable[ReportTarget],
    *,
    template: Path | None = None,
    out_dir: Path | None = None,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    force: bool = False,
    extra_parameters: Mapping[str, Any] | None = None,
    progress: bool = True,
    kernel_name: str = KERNEL_NAME,
) -> RunSummary:
    """Render every target; return what happened to each. Never raises for a failing report.

    template: default paths.REPORT_TEMPLATE; out_dir: default paths.REPORTS_DIR (both looked
    up at call time). jobs: worker processes, default os.cpu_count(). timeout: seconds, both
    the per-cell execution timeout and the wall limit of one report. force: rerun targets
    whose inputs hash is unchanged. extra_parameters: more template parameters, the same
    for every target. Raises ValueError/TypeError on bad targets or parameters before
    anything is written.
    """
    t0 = time.monotonic()
    template = Path(template if template is not None else paths.REPORT_TEMPLATE)
    out_dir = Path(out_dir if out_dir is not None else paths.REPORTS_DIR)
    extra = dict(extra_parameters or {})
    wanted = list(dict.fromkeys(_as_target(t) for t in targets))  # validated, de-duplicated
    if jobs is None:
        jobs = os.cpu_count() or 1
    if type(jobs) is not int or jobs < 1:
        raise ValueError(f"jobs must be a positive int, got {jobs!r}")
    if not timeout or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if not template.is_file():
        raise FileNotFoundError(f"report template not found: {template}")
    validate_parameters(template, extra)

    digest = inputs_digest(paths.RAW_DIR, paths.PACKAGE_DIR, template)
    record_path = out_dir / RECORD_NAME
    record = load_record(record_path)
    run_token = uuid.uuid4().hex[:12]

    results: dict[ReportTarget, ReportResult] = {}
    to_run: list[RenderJob] = []
    hashes: dict[ReportTarget, str] = {}
    for target in wanted:
        parameters = {"forbund": target.forbund, "year": target.year, **extra}
        hashes[target] = h = target_hash(digest, parameters)
        entry = record["reports"].get(record_key(target.forbund, target.year), {})
        html = out_dir / str(target.year) / f"{target.forbund}.html"
        if not force and entry.get("success_hash") == h and html.exists():
            results[target] = ReportResult(target, "unchanged")
            entry.update(status="unchanged", error=None, failing_cell=None)
            continue
        to_run.append(
            RenderJob(
                forbund=target.forbund, year=target.year, parameters=parameters,
                template=template.resolve(), out_dir=out_dir.resolve(), timeout=float(timeout),
                run_token=run_token, kernel_name=kernel_name,
            )
        )

    if to_run:
        logger.info(
            "%d report(s): %d to render with %d worker(s), %d unchanged",
            len(wanted), len(to_run), min(jobs, len(to_run)), len(wanted) - len(to_run),
        )
    else:
        logger.info("%d report(s), all unchanged: nothing to render", len(wanted))
    out_dir.mkdir(parents=True, exist_ok=True)
    bar = _progress_bar(len(to_run), progress)

    def on_done(job: RenderJob, res: Mapping[str, Any]) -> None:
        target = ReportTarget(job.forbund, job.year)
        status = res["status"]
        results[target] = ReportResult(
            target, status, float(res.get("seconds") or 0.0), res.get("error"),
            res.get("failing_cell"), res.get("ename"),
        )
        key = record_key(job.forbund, job.year)
        entry = record["reports"].setdefault(key, {"success_hash": None, "succeeded_at": None})
        entry.update(
            forbund=job.forbund, year=job.year, status=status, inputs_hash=hashes[target],
            parameters=job.parameters, seconds=res.get("seconds"), error=res.get("error"),
            failing_cell=res.get("failing_cell"), attempted_at=_now(),
            log=Path(res["log"]).relative_to(job.out_dir).as_posix() if res.get("log") else None,
        )
        if status == "ok":
            entry.update(success_hash=hashes[target], succeeded_at=entry["attempted_at"])
            logger.info("%s %s: ok in %.1f s", job.forbund, job.year, res.get("seconds", 0))
        else:
            where = f" [{res['failing_cell']}]" if res.get("failing_cell") else ""
            logger.error("%s %s: failed: %s%s", job.forbund, job.year, res.get("error"), where)
        save_record(record_path, record, run_token)  # progress survives an interrupted run
        bar.set_postfix_str(f"{job.forbund} {job.year}: {status}", refresh=False)
        bar.update(1)

    try:
        if to_run:
            from contextlib import nullcontext

            from tqdm.contrib.logging import logging_redirect_tqdm

            redirect = logging_redirect_tqdm() if progress else nullcontext()
            with redirect:
                _execute(to_run, min(jobs, len(to_run)), on_done)
    finally:
        bar.close()
        sweep_temp_files({job.year_dir for job in to_run}, run_token)
        save_record(record_path, record, run_token)
        write_index(record, out_dir, run_token)

    ordered = [results[t] for t in wanted]
    summary = RunSummary(ordered, round(time.monotonic() - t0, 3), out_dir)
    return summary


# --------------------------------------------------------------------------- targets from data


def default_targets(financials: "pd.DataFrame") -> list[ReportTarget]:
    """Every förbund with its latest year that has outcome (basis == "utfall") rows."""
    missing = {"forbund", "year", "basis"} - set(financials.columns)
    if missing:
        raise ValueError(f"financials lacks column(s) {sorted(missing)}")
    actual = financials.loc[financials["basis"] == "utfall", ["forbund", "year"]]
    latest = actual.groupby("forbund")["year"].max()
    return [ReportTarget(str(f), int(y)) for f, y in sorted(latest.items())]


def resolve_targets(
    financials: "pd.DataFrame", forbunds: Sequence[str] | None, year: int | None
) -> list[ReportTarget]:
    """The targets the CLI asked for, checked against the data (ValueError if not there)."""
    known = sorted(str(f) for f in financials["forbund"].dropna().unique())
    for f in forbunds or []:
        check_slug(f)
        if f not in known:
            raise ValueError(f"unknown förbund {f!r}; known: {', '.join(known) or '(none)'}")
    chosen = list(dict.fromkeys(forbunds)) if forbunds else known
    if year is None:
        return [t for t in default_targets(financials) if t.forbund in chosen]
    targets = []
    for f in chosen:
        years = financials.loc[financials["forbund"] == f, "year"]
        if not (years == year).any():
            available = ", ".join(str(int(y)) for y in sorted(years.dropna().unique()))
            raise ValueError(f"no data for {f} {year}; years with data: {available or '(none)'}")
        utfall = financials.loc[(financials["forbund"] == f) & (financials["year"] == year)]
        if not (utfall["basis"] == "utfall").any():
            logger.warning("%s %s has no utfall rows (budget/prognos only)", f, year)
        targets.append(ReportTarget(f, int(year)))
    return targets


# --------------------------------------------------------------------------- CLI


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `reports` subcommand to the `finsam` CLI's subparsers."""
    parser = subparsers.add_parser(
        "reports",
        help="render the analysis documents (reports/<year>/<forbund>.html)",
        description=(
            "Run the report template for each (förbund, year) with papermill and export HTML "
            "without code. By default every förbund with its latest year of outcome data. "
            "Unchanged reports (same inputs hash as their last success) are skipped. "
            "Exit status 1 if any report failed."
        ),
    )
    parser.add_argument(
        "--forbund", action="append", metavar="SLUG",
        help="only this förbund (repeatable); default all",
    )
    parser.add_argument("--year", type=int, help="this year instead of each förbund's latest")
    parser.add_argument(
        "--jobs", type=int, default=None, metavar="N",
        help="worker processes (default: number of CPUs)",
    )
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S",
        help=f"seconds per cell and per report (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument("--force", action="store_true", help="rerun unchanged reports too")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", type=parse_param,
        help="another template parameter, e.g. --param suppression_threshold=10 (value read as YAML)",
    )
    parser.set_defaults(func=cli_reports)
    return parser


def parse_param(text: str) -> tuple[str, Any]:
    """'suppression_threshold=10' -> ('suppression_threshold', 10); the value is read as YAML."""
    import yaml

    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=VALUE")
    try:
        return name.strip(), yaml.safe_load(value)
    except yaml.YAMLError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: the value is not valid YAML ({exc})") from None


def _raise_interrupt(signum, frame):  # noqa: ARG001 - signal handler signature
    raise KeyboardInterrupt(f"signal {signum}")


def cli_reports(args: argparse.Namespace) -> int:
    """`finsam reports`: 0 if every report is ok or unchanged, 1 if any failed, 2 on bad input,
    130 if interrupted (Ctrl-C, or SIGTERM from systemd/CI: treated alike, so the build record
    and index are saved and the workers and their kernels are stopped)."""
    import finsam_analysis

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        tables = finsam_analysis.load()
        targets = resolve_targets(tables.financials, args.forbund, args.year)
        if not targets:
            print("error: no report targets (no förbund has utfall data)", file=sys.stderr)
            return 2
        extra = dict(getattr(args, "param", None) or [])
        reserved = {"forbund", "year"} & set(extra)
        if reserved:
            raise ValueError(f"use --forbund/--year, not --param, for {', '.join(sorted(reserved))}")
        summary = run_reports(
            targets, jobs=args.jobs, timeout=args.timeout, force=args.force,
            progress=not args.no_progress, extra_parameters=extra or None,
        )
    except (ValueError, TypeError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: finished reports are kept, see reports/index.html", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print(summary.format())
    print(f"index: {summary.out_dir / 'index.html'}")
    return summary.exit_code
