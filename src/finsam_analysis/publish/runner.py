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

Which targets exist is data/targets.py's rule; the `finsam reports` command is in cli.py.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from finsam_analysis.data import paths
from finsam_analysis.data.lock import DEFAULT_WAIT, output_lock
from finsam_analysis.data.targets import ReportTarget
from finsam_analysis.document.parameters import check_values, declared_parameters
from finsam_analysis.publish.index import write_index
from finsam_analysis.publish.record import (
    RECORD_NAME,
    file_sha256,
    inputs_digest,
    load_record,
    new_run_token,
    os_error_message,
    parameters_json,
    record_key,
    save_record,
    sweep_stale_temp_files,
    sweep_temp_files,
    target_hash,
)
from finsam_analysis.publish.record import unwritable as _unwritable
from finsam_analysis.publish.render import (
    KERNEL_NAME,
    RenderJob,
    render_one,
    warm_up,
    worker_init,
)
from finsam_analysis.publish.scan import PersonnummerError, mask, scan_inputs
from finsam_analysis.publish.summary import (
    COMPARISON_PAGE,
    DEFAULT_TIMEOUT,
    ReportResult,
    RunSummary,
    check_run_options,
)

logger = logging.getLogger("finsam_analysis.publish.runner")

__all__ = ["ReportTarget", "ReportResult", "RunSummary", "run_reports", "DEFAULT_TIMEOUT"]

# --------------------------------------------------------------------------- validation


def _as_target(item: ReportTarget | tuple[str, int]) -> ReportTarget:
    if isinstance(item, ReportTarget):
        # Re-check: a frozen dataclass can still be forged with object.__setattr__.
        ReportTarget(item.forbund, item.year)
        return item
    if isinstance(item, tuple) and len(item) == 2:
        return ReportTarget(*item)
    raise TypeError(f"a target is a ReportTarget(forbund, year), got {item!r}")


def validate_parameters(template: Path, extra: Mapping[str, Any]) -> None:
    """Fail early: every parameter passed must be declared in the template and within its
    declared type and range (papermill itself only warns about unknown names)."""
    declared = declared_parameters(template)
    if not declared:
        raise ValueError(f"{template}: no cell tagged 'parameters' (or it declares nothing); cannot pass forbund/year")
    clash = sorted({"forbund", "year"} & set(extra))
    if clash:
        raise ValueError(f"extra_parameters must not set {clash}: they come from each target")
    unknown = sorted(({"forbund", "year"} | set(extra)) - declared)
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {unknown} for template {template.name}; it declares: {sorted(declared)}"
        )
    try:
        parameters_json(extra)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"extra_parameters must be JSON-serialisable: {exc}") from exc
    check_values(extra)


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
    # A forked worker's parent is this process: it checks that it still is once it has asked
    # to die with it (worker_init). A forkserver's worker has the server as its parent.
    parent = os.getpid() if context.get_start_method() == "fork" else None
    return ProcessPoolExecutor(
        max_workers=max_workers,
        mp_context=context,
        initializer=worker_init,
        initargs=(stop_event, parent),
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
        total=total,
        disable=None if enabled else True,
        file=sys.stderr,
        desc="reports",
        unit="report",
        dynamic_ncols=True,
    )


# --------------------------------------------------------------------------- the runner


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass
class _Run:
    """The state of one run: the record on disk, each target's hash and result, the bar."""

    out_dir: Path
    record: dict[str, Any]
    run_token: str
    hashes: dict[ReportTarget, str] = field(default_factory=dict)
    results: dict[ReportTarget, ReportResult] = field(default_factory=dict)
    bar: Any = None
    variant: str = ""  # '' or the suffix of non-default parameters (the same for every target)

    @property
    def record_path(self) -> Path:
        return self.out_dir / RECORD_NAME

    def entry(self, target: ReportTarget) -> dict[str, Any]:
        return self.record["reports"].setdefault(
            record_key(target.forbund, target.year, self.variant), {"success_hash": None, "succeeded_at": None}
        )

    problems: list[str] = field(default_factory=list)

    def is_unchanged(self, target: ReportTarget) -> bool:
        """Same inputs as the last success, and the HTML on disk is the one that success wrote
        (a run that crashed between publishing and recording, or a hand edit, reruns)."""
        entry = self.record["reports"].get(record_key(target.forbund, target.year, self.variant), {})
        html = paths.report_file(self.out_dir, target.forbund, target.year, ".html", self.variant)
        if entry.get("success_hash") != self.hashes[target] or not html.is_file():
            return False
        return entry.get("html_sha256") == file_sha256(html)

    def save(self) -> None:
        """Save the record; a failure (unwritable folder, full disk) is noted, once."""
        try:
            save_record(self.record_path, self.record, self.run_token)
        except OSError as exc:
            self.problem(f"build record not saved: {os_error_message(exc, self.record_path)}")

    def problem(self, text: str) -> None:
        if text not in self.problems:
            logger.error("%s", text)
            self.problems.append(text)

    def mark_unchanged(self, target: ReportTarget) -> None:
        self.results[target] = ReportResult(target, "unchanged")
        self.entry(target).update(status="unchanged", error=None, failing_cell=None)

    def done(self, job: RenderJob, res: Mapping[str, Any]) -> None:
        """Record one finished report (called as each worker returns)."""
        target = ReportTarget(job.forbund, job.year)
        status = res["status"]
        self.results[target] = ReportResult(
            target,
            status,
            float(res.get("seconds") or 0.0),
            res.get("error"),
            res.get("failing_cell"),
            res.get("ename"),
        )
        entry = self.entry(target)
        entry.update(
            forbund=job.forbund,
            year=job.year,
            status=status,
            inputs_hash=self.hashes[target],
            parameters=job.parameters,
            seconds=res.get("seconds"),
            error=mask(res.get("error")),
            failing_cell=mask(res.get("failing_cell")),
            attempted_at=_now(),
            log=Path(res["log"]).relative_to(job.out_dir).as_posix() if res.get("log") else None,
        )
        if status == "ok":
            # What is on disk now: success_* and html_sha256 change only when the HTML does.
            entry.update(
                success_hash=self.hashes[target],
                succeeded_at=entry["attempted_at"],
                success_parameters=job.parameters,
                html_sha256=res.get("html_sha256"),
            )
            logger.info("%s %s: ok in %.1f s", job.forbund, job.year, res.get("seconds", 0))
        else:
            where = f" [{res['failing_cell']}]" if res.get("failing_cell") else ""
            logger.error("%s %s: failed: %s%s", job.forbund, job.year, res.get("error"), where)
        self.save()  # progress survives an interrupted run
        if self.bar is not None:
            self.bar.set_postfix_str(f"{job.forbund} {job.year}: {status}", refresh=False)
            self.bar.update(1)


def _render_all(run: _Run, to_run: list[RenderJob], jobs: int, progress: bool) -> None:
    """Render the jobs with a progress bar; the record and index are saved whatever happens."""
    run.bar = _progress_bar(len(to_run), progress)
    try:
        if to_run:
            from contextlib import nullcontext

            from tqdm.contrib.logging import logging_redirect_tqdm

            with logging_redirect_tqdm() if progress else nullcontext():
                _execute(to_run, min(jobs, len(to_run)), run.done)
    finally:
        run.bar.close()
        sweep_temp_files({job.year_dir for job in to_run}, run.run_token)
        run.save()
        try:
            write_index(run.record, run.out_dir, run.run_token)
        except OSError as exc:
            run.problem(f"index not written: {os_error_message(exc, run.out_dir / 'index.html')}")


def run_comparison(
    *,
    out_dir: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    force: bool = False,
    kernel_name: str = KERNEL_NAME,
    lock_wait: float = DEFAULT_WAIT,
) -> ReportResult | None:
    """Render notebooks/jamforelse.ipynb to <out_dir>/jamforelse.html with the same machinery as
    the reports (a worker process, papermill, the personnummer scan, atomic rename; failures
    isolated and recorded under the record's "comparison" key, under the reports folder's lock).
    Unchanged inputs are skipped unless force. None when the repository has no comparison
    notebook."""
    template = paths.NOTEBOOKS_DIR / f"{COMPARISON_PAGE}.ipynb"
    if not template.is_file():
        return None
    out_dir = Path(out_dir if out_dir is not None else paths.REPORTS_DIR)
    target = ReportTarget(COMPARISON_PAGE, datetime.now(UTC).year)
    findings = scan_inputs(paths.RAW_DIR, template, paths.PROJECT_ROOT)
    if findings:
        error = f"PersonnummerFound: {findings[0].format()}; not rendered"
        return ReportResult(target, "failed", 0.0, error, None, "PersonnummerFound")
    unwritable = _unwritable(out_dir)
    if unwritable:
        return ReportResult(target, "failed", 0.0, f"NotWritable: {unwritable}", None, "NotWritable")
    digest = target_hash(inputs_digest(paths.RAW_DIR, paths.PACKAGE_DIR, template), {"page": COMPARISON_PAGE})
    html = out_dir / f"{COMPARISON_PAGE}.html"
    with (
        output_lock(out_dir, "finsam reports (comparison)", wait=lock_wait),
        output_lock(paths.PROCESSED_DIR, "finsam reports (comparison)", wait=lock_wait, shared=True),
    ):
        record = load_record(out_dir / RECORD_NAME)  # under the lock: the reports' entries as saved
        entry = record.setdefault("comparison", {})
        token = new_run_token()
        if (
            not force
            and entry.get("success_hash") == digest
            and html.is_file()
            and entry.get("html_sha256") == file_sha256(html)
        ):
            entry["status"] = "unchanged"
            res: dict[str, Any] = {"status": "unchanged"}
        else:
            job = RenderJob(
                forbund=COMPARISON_PAGE,
                year=target.year,
                parameters={},
                template=template.resolve(),
                out_dir=out_dir.resolve(),
                timeout=float(timeout),
                run_token=token,
                kernel_name=kernel_name,
                page=COMPARISON_PAGE,
            )
            results: list[dict[str, Any]] = []
            _execute([job], 1, lambda _job, r: results.append(r))
            res = results[0]
            entry.update(
                status=res["status"],
                error=mask(res.get("error")),
                failing_cell=mask(res.get("failing_cell")),
                attempted_at=_now(),
            )
            if res["status"] == "ok":
                entry.update(
                    success_hash=digest, succeeded_at=entry["attempted_at"], html_sha256=res.get("html_sha256")
                )
        try:
            save_record(out_dir / RECORD_NAME, record, token)
            write_index(record, out_dir, token)
        except OSError as exc:
            error = f"NotWritable: {os_error_message(exc, out_dir / RECORD_NAME)}"
            return ReportResult(target, "failed", 0.0, error, None, "NotWritable")
    return ReportResult(
        target,
        res["status"],
        float(res.get("seconds") or 0.0),
        mask(res.get("error")),
        mask(res.get("failing_cell")),
        res.get("ename"),
    )


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
    lock_wait: float = DEFAULT_WAIT,
    unreportable: Mapping[str, str] | None = None,
    requested_unreportable: Iterable[str] = (),
) -> RunSummary:
    """Render every target; return what happened to each. Never raises for a failing report.

    template: default paths.REPORT_TEMPLATE; out_dir: default paths.REPORTS_DIR (both looked
    up at call time). jobs: worker processes, default os.cpu_count(). timeout: seconds, both
    the per-cell execution timeout and the wall limit of one report. force: rerun targets
    whose inputs hash is unchanged. extra_parameters: more template parameters, the same
    for every target. lock_wait: seconds to wait for another run on the same out_dir
    (then LockTimeout). unreportable: förbund without any reportable year and why; they are
    listed on the index (never skipped silently), and those in requested_unreportable (asked
    for by name) count as failed. Raises ValueError/TypeError on bad targets or parameters, and
    PersonnummerError (a ValueError) when data/raw or the template holds a personnummer,
    before anything is written. An out_dir that cannot be written is a summary in which every
    report failed with the reason.
    """
    t0 = time.monotonic()
    template = Path(template if template is not None else paths.REPORT_TEMPLATE)
    out_dir = Path(out_dir if out_dir is not None else paths.REPORTS_DIR)
    extra = dict(extra_parameters or {})
    wanted = list(dict.fromkeys(_as_target(t) for t in targets))  # validated, de-duplicated
    jobs = check_run_options(jobs, timeout)
    if not template.is_file():
        raise FileNotFoundError(f"report template not found: {template}")
    validate_parameters(template, extra)

    findings = scan_inputs(paths.RAW_DIR, template, paths.PROJECT_ROOT)
    if findings:
        raise PersonnummerError(findings, "the inputs of the reports (nothing was rendered)")

    digest = inputs_digest(paths.RAW_DIR, paths.PACKAGE_DIR, template)
    unwritable = _unwritable(out_dir)
    if unwritable:
        logger.error("%s", unwritable)
        results = [ReportResult(t, "failed", 0.0, f"NotWritable: {unwritable}", None, "NotWritable") for t in wanted]
        return RunSummary(results, round(time.monotonic() - t0, 3), out_dir, [unwritable])
    from finsam_analysis.document.parameters import variant

    # One run per reports folder; and no build may swap data/processed while kernels read it.
    with (
        output_lock(out_dir, "finsam reports", wait=lock_wait),
        output_lock(paths.PROCESSED_DIR, "finsam reports", wait=lock_wait, shared=True),
    ):
        run = _Run(out_dir, load_record(out_dir / RECORD_NAME), new_run_token(), variant=variant(extra))
        sweep_stale_temp_files(out_dir)
        to_run: list[RenderJob] = []
        for target in wanted:
            parameters = {"forbund": target.forbund, "year": target.year, **extra}
            run.hashes[target] = target_hash(digest, parameters)
            if not force and run.is_unchanged(target):
                run.mark_unchanged(target)
                continue
            to_run.append(
                RenderJob(
                    forbund=target.forbund,
                    year=target.year,
                    parameters=parameters,
                    template=template.resolve(),
                    out_dir=out_dir.resolve(),
                    timeout=float(timeout),
                    run_token=run.run_token,
                    kernel_name=kernel_name,
                )
            )
        logger.info(
            "%d report(s): %d to render with %d worker(s), %d unchanged",
            len(wanted),
            len(to_run),
            min(jobs, len(to_run)),
            len(wanted) - len(to_run),
        )
        if unreportable is not None:
            run.record["unreportable"] = dict(sorted(unreportable.items()))
        unreportable = dict(run.record.get("unreportable") or {})
        _render_all(run, to_run, jobs, progress)
    ordered = [run.results[t] for t in wanted]
    asked = [f for f in dict.fromkeys(requested_unreportable) if f in unreportable]
    return RunSummary(ordered, round(time.monotonic() - t0, 3), out_dir, run.problems, unreportable, asked)
