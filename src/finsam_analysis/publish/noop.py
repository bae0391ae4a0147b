"""A `finsam reports` run with nothing to do, decided without pandas, papermill or nbconvert.

A run in which every report is unchanged renders nothing, yet the normal path imports pandas,
papermill and nbconvert, refreshes data/processed and loads every table just to pick its
targets, and scans data/raw for personnummer: several times `python -c "import pandas"`. This
module answers the same question from hashes and the build record alone.

After a run that rendered nothing (every report and the comparison `unchanged`, exit 0), the
runner's bookkeeping is in its resting state: a further run with the same inputs writes the
same record and the same index, byte for byte. `remember` then stores, in the record's
`last_run`, what that state depended on:

    key               sha256 over the run's inputs: the inputs hash of the reports (data/raw's
                      version, the package's files, the template, the library versions), the
                      comparison template, and what was asked (--forbund, --year, --param)
    targets, variant  the reports it listed (förbund, year) and their file-name variant
    comparison        whether it rendered (or kept) the comparison page
    record_sha256     the record itself (all of it but last_run)
    index_sha256, validation_sha256, listing_sha256   the index pages and the names of the
                      files in the reports folder (what the index links)

`unchanged_run` recomputes those and answers with the run's summary only when every one is as
recorded, data/processed is current (data.manifest.is_current) and each report's HTML on disk
is the one its success wrote. Anything different, missing or unreadable (and --force) falls
through to the normal path, which then decides per report: a stale report is never kept. The
personnummer scan is not repeated: the same bytes of data/raw, the template and the scanner's
code passed it in the run that recorded the state.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from finsam_analysis.data import paths
from finsam_analysis.data.lock import DEFAULT_WAIT, output_lock
from finsam_analysis.data.manifest import is_current
from finsam_analysis.data.targets import ReportTarget
from finsam_analysis.publish.index import COMPARISON_NAME, INDEX_NAME, VALIDATION_NAME
from finsam_analysis.publish.record import (
    RECORD_NAME,
    file_sha256,
    inputs_digest,
    load_record,
    parameters_json,
    record_key,
    save_record,
    sweep_stale_temp_files,
    target_hash,
    unwritable,
)
from finsam_analysis.publish.summary import (
    COMPARISON_PAGE,
    DEFAULT_TIMEOUT,
    ReportResult,
    RunSummary,
    check_run_options,
)

logger = logging.getLogger("finsam_analysis.publish.runner")  # the runner's log lines

LAST_RUN = "last_run"
NOOP_FORMAT = 1


@dataclass(frozen=True)
class Request:
    """What a `finsam reports` run was asked for (the options that choose what it renders)."""

    forbund: tuple[str, ...] = ()  # --forbund, de-duplicated, in the order given
    year: int | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)  # --param

    @property
    def variant(self) -> str:
        from finsam_analysis.document.parameters import variant

        return variant(self.parameters)


def comparison_template() -> Path:
    return paths.NOTEBOOKS_DIR / f"{COMPARISON_PAGE}.ipynb"


def run_key(request: Request, digest: str) -> str:
    """sha256 naming the run: its inputs (digest: record.inputs_digest of the reports), the
    comparison template and what was asked. Not the folders: contents are what count (a
    moved checkout has nothing to do either), and data/processed is checked on its own."""
    parts = {
        "format": NOOP_FORMAT,
        "inputs": digest,
        "comparison_template": file_sha256(comparison_template()),
        "forbund": list(request.forbund),
        "year": request.year,
        "parameters": parameters_json(request.parameters),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def record_sha256(record: Mapping[str, Any]) -> str:
    """The record's content apart from last_run (what a no-op run would save again)."""
    rest = {k: v for k, v in record.items() if k != LAST_RUN}
    return hashlib.sha256(json.dumps(rest, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def listing_sha256(out_dir: Path) -> str:
    """The names of the files in the reports folder and its year folders (temp files and other
    hidden ones left out): which documents, downloads and pages the index can link."""
    names = []
    for child in sorted(out_dir.iterdir()):
        if child.name.startswith("."):
            continue
        names.append(child.name + ("/" if child.is_dir() else ""))
        if child.is_dir():
            names.extend(f"{child.name}/{c.name}" for c in sorted(child.iterdir()) if not c.name.startswith("."))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def _digest() -> str | None:
    try:
        return inputs_digest(paths.RAW_DIR, paths.PACKAGE_DIR, Path(paths.REPORT_TEMPLATE))
    except OSError:  # no template, an unreadable file: the normal path says what is wrong
        return None


def _state(out_dir: Path) -> dict[str, Any]:
    return {
        "index_sha256": file_sha256(out_dir / INDEX_NAME),
        "validation_sha256": file_sha256(out_dir / VALIDATION_NAME),
        "listing_sha256": listing_sha256(out_dir),
    }


def _targets_unchanged(
    record: Mapping[str, Any], last: Mapping[str, Any], request: Request, digest: str, out_dir: Path
) -> list[ReportTarget] | None:
    """The targets of last_run if each is still unchanged with the HTML its success wrote."""
    targets = []
    variant = request.variant
    if last.get("variant") != variant:
        return None
    for forbund, year in last.get("targets") or []:
        target = ReportTarget(forbund, year)
        entry = record["reports"].get(record_key(forbund, year, variant)) or {}
        parameters = {"forbund": forbund, "year": year, **request.parameters}
        if entry.get("status") != "unchanged" or entry.get("success_hash") != target_hash(digest, parameters):
            return None
        html = paths.report_file(out_dir, forbund, year, ".html", variant)
        if entry.get("html_sha256") is None or file_sha256(html) != entry["html_sha256"]:
            return None
        targets.append(target)
    return targets or None


def _check(record: Mapping[str, Any], key: str, request: Request, digest: str, out_dir: Path):
    """(targets, comparison?) when the record and the disk are as the last no-op run left them."""
    last = record.get(LAST_RUN)
    if not isinstance(last, dict) or last.get("key") != key or last.get("record_sha256") != record_sha256(record):
        return None
    if any(last.get(name) != value for name, value in _state(out_dir).items()):
        return None
    targets = _targets_unchanged(record, last, request, digest, out_dir)
    if targets is None:
        return None
    comparison = bool(last.get("comparison"))
    if comparison:
        entry = record.get("comparison") or {}
        html = out_dir / COMPARISON_NAME
        if entry.get("status") != "unchanged" or file_sha256(html) != entry.get("html_sha256"):
            return None
    if not is_current(paths.PROCESSED_DIR, paths.RAW_DIR):
        return None  # the normal path rebuilds data/processed first
    return targets, comparison


def unchanged_run(
    request: Request, *, jobs: Any = None, timeout: Any = DEFAULT_TIMEOUT, wait: float = DEFAULT_WAIT
) -> tuple[RunSummary, ReportResult | None] | None:
    """The summary of this run (and the comparison's result) when it has nothing to do, else None.

    Takes the same locks as a run (waiting up to `wait` seconds, then LockTimeout) and, like a
    run, removes the temp files of crashed runs; writes nothing else. ValueError on bad jobs or
    timeout, as the runner."""
    t0 = time.monotonic()
    out_dir = Path(paths.REPORTS_DIR)
    check_run_options(jobs, timeout)
    record_path = out_dir / RECORD_NAME
    if not record_path.is_file():
        return None
    digest = _digest()
    if digest is None:
        return None
    key = run_key(request, digest)
    last = load_record(record_path).get(LAST_RUN)
    if not isinstance(last, dict) or last.get("key") != key or unwritable(out_dir):
        return None  # not the run that was recorded (or the folder needs the normal path's report)
    with (
        output_lock(out_dir, "finsam reports", wait=wait),
        output_lock(paths.PROCESSED_DIR, "finsam reports", wait=wait, shared=True),
    ):
        record = load_record(record_path)  # under the lock: as the last run saved it
        try:
            checked = _check(record, key, request, digest, out_dir)
        except (ValueError, TypeError, KeyError, AttributeError, OSError):  # an odd record: the normal path
            checked = None
        if checked is None:
            return None
        sweep_stale_temp_files(out_dir)
    targets, comparison = checked
    logger.info("%d report(s): 0 to render with 0 worker(s), %d unchanged", len(targets), len(targets))
    summary = RunSummary(
        [ReportResult(t, "unchanged") for t in targets],
        round(time.monotonic() - t0, 3),
        out_dir,
        [],
        dict(record.get("unreportable") or {}),
        [],
    )
    year = datetime.now(UTC).year  # as run_comparison names it
    page = ReportResult(ReportTarget(COMPARISON_PAGE, year), "unchanged") if comparison else None
    return summary, page


def remember(
    request: Request,
    key: str | None,
    summary: RunSummary,
    comparison: ReportResult | None,
    wait: float = DEFAULT_WAIT,
) -> bool:
    """After a run: store its state as last_run when it rendered nothing and all was well
    (every report and the comparison unchanged, exit 0), so the next such run is decided by
    `unchanged_run`. Returns whether it stored it."""
    results: Sequence[ReportResult] = summary.results
    if (
        key is None
        or not results
        or not summary.ok
        or any(r.status != "unchanged" for r in results)
        or (comparison is not None and comparison.status != "unchanged")
        or summary.out_dir is None
        or Path(summary.out_dir).resolve() != Path(paths.REPORTS_DIR).resolve()
    ):
        return False
    out_dir = Path(summary.out_dir)
    variant = request.variant
    with output_lock(out_dir, "finsam reports", wait=wait):
        record = load_record(out_dir / RECORD_NAME)
        entries = [record["reports"].get(record_key(r.target.forbund, r.target.year, variant)) or {} for r in results]
        if any(e.get("status") != "unchanged" for e in entries):
            return False  # another run came in between: leave the next decision to the normal path
        if comparison is not None and (record.get("comparison") or {}).get("status") != "unchanged":
            return False
        record[LAST_RUN] = {
            "format": NOOP_FORMAT,
            "key": key,
            "targets": [[r.target.forbund, r.target.year] for r in results],
            "variant": variant,
            "comparison": comparison is not None,
            "record_sha256": record_sha256(record),
            **_state(out_dir),
        }
        save_record(out_dir / RECORD_NAME, record)
    return True


def request_key(request: Request) -> str | None:
    """run_key of the request with the inputs as they are now (None if they cannot be hashed)."""
    digest = _digest()
    return None if digest is None else run_key(request, digest)
