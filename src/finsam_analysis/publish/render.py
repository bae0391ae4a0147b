"""Render one report in a worker process: papermill -> temp .ipynb -> HTML -> rename into place.

`render_one` runs inside a ProcessPoolExecutor worker (papermill's `cwd` is an os.chdir, so
reports must not share a process). It never raises for a failing report: it returns a plain
dict (picklable) saying what happened. Files are only ever renamed into place whole:

- success: <forbund>.ipynb and <forbund>.html replaced, a stale <forbund>.failed.ipynb removed;
- failure: previous <forbund>.ipynb / .html untouched, the partial output notebook (with
  papermill's error cell) moved to <forbund>.failed.ipynb for debugging.

While a report runs, the worker's stdout/stderr (inherited by the kernel process) go to a
per-report log, <forbund>.log, kept only when something is left after dropping known noise
(ipykernel's unencrypted-TCP warning, should it still appear; the KeyboardInterrupt that
jupyter_client's shutdown interrupt sometimes provokes). So kernel chatter, e.g. the ZMQ
tracebacks of a kernel killed on timeout, does not land between the progress bar and the
summary of a scheduled run. The TCP warning itself is avoided at the source: kernels are
started with CurveZMQ transport encryption when pyzmq supports it (kernel_manager_config).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import re
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finsam_analysis.data import paths
from finsam_analysis.publish import scan
from finsam_analysis.publish.record import os_error_message, temp_path_for

KERNEL_NAME = "python3"
# Cells removed from the HTML (the code itself is hidden by exclude_input).
REMOVE_CELL_TAGS = ("parameters", "injected-parameters", "papermill-error-cell-tag", "template-note", "downloads")
# The document's downloads (document/downloads.py): written by the kernel's last cell to the
# temp paths these variables name, renamed into place with the HTML.
DOWNLOADS = {"FINSAM_DOWNLOAD_XLSX": ".xlsx", "FINSAM_DOWNLOAD_ZIP": "-tabeller.zip"}
# papermill's default kernel start timeout; capped by the report's wall limit.
START_TIMEOUT = 60
MIN_CELL_TIMEOUT = 0.05  # nbclient reads 0 as "no timeout": never hand it 0
# Lines of kernel output that say nothing about the report (see the module docstring).
LOG_NOISE = re.compile(
    r"Kernel is running over TCP without encryption"
    r"|KeyboardInterrupt caught in kernel"
)


@dataclass(frozen=True)
class RenderJob:
    """Everything a worker needs for one report (picklable)."""

    forbund: str
    year: int
    parameters: dict[str, Any]
    template: Path
    out_dir: Path
    timeout: float
    run_token: str
    kernel_name: str = KERNEL_NAME
    page: str | None = None  # a document of its own (e.g. the comparison): <out_dir>/<page>.html

    def file(self, suffix: str) -> Path:
        """Where this job's output with `suffix` goes."""
        if self.page:
            return Path(self.out_dir) / f"{paths.check_slug(self.page)}{suffix}"
        return paths.report_file(self.out_dir, self.forbund, self.year, suffix, self.variant)

    @property
    def variant(self) -> str:
        """'' for the default parameters, else the suffix naming the others (own file names)."""
        from finsam_analysis.document.parameters import variant

        return variant(self.parameters)

    @property
    def year_dir(self) -> Path:
        return self.file(".html").parent


@dataclass
class _CellWatch:
    """Tracks the executing cell and enforces the per-report wall limit through nbclient.

    nbclient asks `timeout_for(cell)` for each cell's execution timeout; answering
    min(per-cell timeout, time left until the report's deadline) makes the per-cell
    `execution_timeout` and the whole-report wall limit one mechanism.
    """

    cell_timeout: float
    deadline: float
    cell_index: int | None = None
    cell_source: str | None = None
    wall_limited: bool = field(default=False)

    def on_cell_execute(self, cell: Any = None, cell_index: int | None = None, **_: Any) -> None:
        self.cell_index = cell_index
        self.cell_source = getattr(cell, "source", None)

    def timeout_for(self, cell: Any) -> float:
        left = self.deadline - time.monotonic()
        self.wall_limited = left < self.cell_timeout
        return max(MIN_CELL_TIMEOUT, min(self.cell_timeout, left))


def first_lines(source: str | None, n: int = 2, width: int = 160) -> str:
    """The first n non-blank lines of a cell's source, shortened for a summary."""
    lines = [line.rstrip() for line in (source or "").splitlines() if line.strip()]
    text = " | ".join(lines[:n]) + (" | …" if len(lines) > n else "")
    return text if len(text) <= width else text[: width - 1] + "…"


def describe_cell(index: int | None, source: str | None) -> str | None:
    if index is None and not source:
        return None
    where = f"cell {index}" if index is not None else "cell ?"
    return f"{where}: {first_lines(source)}"


def _describe_failure(exc: BaseException, watch: _CellWatch, job: RenderJob) -> dict[str, Any]:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        ename, evalue = exc.ename, exc.evalue
        cell = describe_cell(exc.cell_index, exc.source)
    elif isinstance(exc, CellTimeoutError):
        ename = "CellTimeoutError"
        if watch.wall_limited:
            evalue = f"report exceeded its wall limit of {job.timeout:g} s"
        else:
            evalue = f"cell exceeded the execution timeout of {job.timeout:g} s"
        cell = describe_cell(watch.cell_index, watch.cell_source)
    elif isinstance(exc, DeadKernelError):
        ename, evalue = "DeadKernelError", str(exc) or "kernel died"
        cell = describe_cell(watch.cell_index, watch.cell_source)
    else:
        ename = type(exc).__name__
        evalue = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        cell = describe_cell(watch.cell_index, watch.cell_source)
    error = f"{ename}: {evalue}" if evalue else ename
    return {"ename": ename, "error": error, "failing_cell": cell}


_EXPORTER = None


def _html_exporter():
    """One HTMLExporter per worker process (building it loads the jinja templates)."""
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor

        exporter = HTMLExporter(
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            # the lab template plus plot alt texts (templates/finsam)
            extra_template_basedirs=[str(paths.HTML_TEMPLATES_DIR)],
            template_name="finsam",
        )
        exporter.register_preprocessor(
            TagRemovePreprocessor(remove_cell_tags=REMOVE_CELL_TAGS, enabled=True), enabled=True
        )
        _EXPORTER = exporter
    return _EXPORTER


def warm_up() -> None:
    """Import and load in the parent what every worker needs (inherited by fork): nbconvert's
    HTML templates take ~0.2 s to load the first time."""
    from nbformat.v4 import new_notebook

    export_html(new_notebook(), "warm-up")


def document_title(nb: Any, default: str) -> str:
    """The document's own heading (its first '# ' Markdown output) as the HTML <title>."""
    import html as _html
    import re as _re

    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown", "")
            text = "".join(text) if isinstance(text, list) else text
            if text.startswith("# "):
                line = text[2:].splitlines()[0]
                return _html.unescape(_re.sub(r"\\(.)", r"\1", line)).strip() or default
    return default


def export_html(nb: Any, title: str) -> str:
    body, _ = _html_exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def kernel_manager_config():
    """traitlets Config that silences ipykernel 7's "running over TCP without encryption"
    warning the proper way: let jupyter_client provision CurveZMQ keys (the kernelspec of
    ipykernel 7 declares support). Empty when pyzmq or jupyter_client cannot do it."""
    from traitlets.config import Config

    try:
        import zmq
        from jupyter_client.manager import KernelManager

        if zmq.has("curve") and KernelManager.class_traits().get("transport_encryption"):
            return Config({"KernelManager": {"transport_encryption": "auto"}})
    except ImportError:  # pragma: no cover - both come with papermill
        pass
    return Config()


def _write_html(path: Path, text: str) -> None:
    with open(path, "x", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


_STOP = None  # multiprocessing.Event set by the parent when the run is interrupted
PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM, parent_pid: int | None = None) -> bool:
    """Linux: have the kernel send `sig` to this process when its parent dies (even by
    kill -9), so that no worker outlives the run. SIGTERM reaches nbclient's handler, which
    shuts the worker's kernel down; a kernel whose worker vanished anyway exits by itself
    (ipykernel polls its parent every second). False where prctl is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)  # the parent died before prctl took effect
    return True


def worker_init(stop_event: Any = None, parent_pid: int | None = None) -> None:
    """Pool initializer: die with the parent; remember the run's stop event; plain logging to
    this worker's stderr (which render_one points at the report's log). Handlers inherited
    from the parent by fork (a tqdm-redirecting one, a shared log file) are not meant for a
    worker."""
    global _STOP
    _STOP = stop_event
    # The parent decides when to stop (stop event, then SIGTERM): a terminal's Ctrl-C reaches
    # the whole process group, but must not leave a traceback per idle worker; and a SIGTERM
    # handler the parent CLI may have installed is not for workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(signal.SIGTERM, parent_pid)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    # Bound to file descriptor 2 itself, not to sys.stderr (which a test runner may have
    # replaced), so that the redirection of render_one catches it.
    stream = open(2, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)


@contextlib.contextmanager
def _fds_to(path: Path) -> Iterator[None]:
    """Point file descriptors 1 and 2 of this process (and so of the kernel it starts) at path."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        os.dup2(target, 1)
        os.dup2(target, 2)
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, target):
            os.close(fd)


def _keep_log(tmp_log: Path, final_log: Path) -> Path | None:
    """Move the captured output to final_log minus noise; remove it (and a stale one) if empty.
    A personnummer in it (a cell printed one) is masked: the log sits beside the report."""
    try:
        lines = tmp_log.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    except OSError:
        lines = []
    kept = [line for line in lines if not LOG_NOISE.search(line)]
    with contextlib.suppress(OSError):
        if not "".join(kept).strip():
            tmp_log.unlink(missing_ok=True)
            final_log.unlink(missing_ok=True)
            return None
        tmp_log.write_text(scan.mask("".join(kept)), encoding="utf-8")
        os.replace(tmp_log, final_log)
        return final_log
    with contextlib.suppress(OSError):
        tmp_log.unlink(missing_ok=True)
    return None


def _shown(path: Path, job: RenderJob) -> str:
    """A report file as the user knows it: relative to the reports folder's parent."""
    try:
        return path.relative_to(job.out_dir.parent).as_posix()
    except ValueError:
        return str(path)


class PersonnummerFound(Exception):
    """A report would publish a personnummer; the message names the file and line, masked."""


def _check_private(findings: list, what: str) -> None:
    if findings:
        first = findings[0].format()
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        raise PersonnummerFound(f"{first}{more}; {what} not published")


def _failed(job: RenderJob, ename: str, error: str, seconds: float = 0.0) -> dict[str, Any]:
    return {
        "forbund": job.forbund,
        "year": job.year,
        "status": "failed",
        "ename": ename,
        "error": f"{ename}: {error}",
        "failing_cell": None,
        "seconds": seconds,
        "log": None,
        "pid": os.getpid(),
    }


def render_one(job: RenderJob) -> dict[str, Any]:
    """Execute the template for one target and publish .ipynb + .html atomically.

    Never raises: an unwritable folder, a full disk, a personnummer in the output are each a
    failed report with a reason. Nothing is renamed into place before the template, the
    executed notebook and the HTML have passed the personnummer scan."""
    if _STOP is not None and _STOP.is_set():  # run interrupted: do not start queued reports
        return _failed(job, "Cancelled", "run interrupted")
    started = time.monotonic()
    try:
        job.year_dir.mkdir(parents=True, exist_ok=True)
        _check_private(scan.scan_notebook_file(job.template), "the template is")
        probe = temp_path_for(job.year_dir / "probe", job.run_token)
        probe.touch()
        probe.unlink()
    except OSError as exc:
        return _failed(job, type(exc).__name__, os_error_message(exc, job.year_dir / "x.html"))
    except PersonnummerFound as exc:
        return _failed(job, "PersonnummerFound", str(exc))
    try:
        return _render(job, started)
    except Exception as exc:  # noqa: BLE001 - a bug in the bookkeeping still fails one report
        return _failed(
            job,
            type(exc).__name__,
            str(exc).strip().splitlines()[0] if str(exc).strip() else "",
            round(time.monotonic() - started, 3),
        )


def _render(job: RenderJob, started: float) -> dict[str, Any]:
    import papermill

    from finsam_analysis.publish import engine

    if not logging.getLogger("finsam_analysis.publish.runner").isEnabledFor(logging.DEBUG):
        # This worker's copy of papermill's logger: its INFO lines (input/output paths) would
        # otherwise fill every report's log.
        logging.getLogger("papermill").setLevel(logging.WARNING)
    watch = _CellWatch(cell_timeout=job.timeout, deadline=started + job.timeout)
    final_nb = job.file(".ipynb")
    final_html = job.file(".html")
    failed_nb = job.file(".failed.ipynb")
    tmp_nb = temp_path_for(final_nb, job.run_token)
    tmp_html = temp_path_for(final_html, job.run_token)
    final_log = job.file(".log")
    tmp_log = temp_path_for(final_log, job.run_token)
    result: dict[str, Any] = {"forbund": job.forbund, "year": job.year, "pid": os.getpid()}
    downloads = {}
    for variable, suffix in DOWNLOADS.items():
        final = job.file(suffix)
        downloads[variable] = (temp_path_for(final, job.run_token), final)
    saved_env = {v: os.environ.get(v) for v in downloads}
    os.environ.update({v: str(tmp) for v, (tmp, _) in downloads.items()})  # the kernel inherits them
    try:
        with _fds_to(tmp_log):
            nb = papermill.execute_notebook(
                str(job.template),
                str(tmp_nb),
                parameters=dict(job.parameters),
                kernel_name=job.kernel_name,
                engine_name=engine.register(),  # the output notebook written once, not per cell
                progress_bar=False,
                cwd=str(job.template.parent),
                start_timeout=math.ceil(min(START_TIMEOUT, job.timeout)),
                # an int trait in nbclient; the exact (float) limit comes from timeout_func
                execution_timeout=math.ceil(job.timeout),
                # passed through papermill's engine to nbclient's NotebookClient
                timeout_func=watch.timeout_for,
                on_cell_execute=watch.on_cell_execute,
                config=kernel_manager_config(),
            )
        _check_private(scan.scan_notebook(nb, _shown(final_nb, job)), "the notebook is")
        body = export_html(nb, document_title(nb, f"{job.forbund} {job.year}"))
        _check_private(scan.scan_html(body, _shown(final_html, job)), "the HTML is")
        for tmp, final in downloads.values():
            if tmp.exists():
                _check_private(scan.scan_download(tmp, _shown(final, job)), "the download is")
        _write_html(tmp_html, body)
        os.replace(tmp_nb, final_nb)
        for tmp, final in downloads.values():
            if tmp.exists():
                os.replace(tmp, final)
        os.replace(tmp_html, final_html)
        failed_nb.unlink(missing_ok=True)
        result.update(
            status="ok",
            error=None,
            ename=None,
            failing_cell=None,
            html_sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        )
    except Exception as exc:  # noqa: BLE001 - isolate every kind of report failure
        if isinstance(exc, PersonnummerFound):
            result.update(
                status="failed", ename="PersonnummerFound", error=f"PersonnummerFound: {exc}", failing_cell=None
            )
        elif isinstance(exc, OSError) and exc.errno is not None:  # not nbclient's TimeoutError
            result.update(
                status="failed",
                ename=type(exc).__name__,
                error=f"{type(exc).__name__}: {os_error_message(exc, final_html)}",
                failing_cell=None,
            )
        else:
            result.update(status="failed", **_describe_failure(exc, watch, job))
        with contextlib.suppress(Exception):
            if tmp_nb.exists() and tmp_nb.stat().st_size > 0:
                if scan.scan_notebook_file(tmp_nb):
                    result["error"] += " (the failed notebook is not kept: it holds a personnummer)"
                else:
                    os.replace(tmp_nb, failed_nb)
    finally:
        for variable, old in saved_env.items():
            if old is None:
                os.environ.pop(variable, None)
            else:
                os.environ[variable] = old
        for tmp in (tmp_nb, tmp_html, *(tmp for tmp, _ in downloads.values())):
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        log = _keep_log(tmp_log, final_log)
        result["log"] = str(log) if log else None
        result["seconds"] = round(time.monotonic() - started, 3)
    result["error"] = scan.mask(result.get("error"))
    result["failing_cell"] = scan.mask(result.get("failing_cell"))
    return result
