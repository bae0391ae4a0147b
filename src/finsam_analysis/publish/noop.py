"""A `finsam reports` run with nothing to do, decided without pandas, papermill or nbconvert.

A run in which every report is unchanged renders nothing, yet the normal path imports pandas,
papermill and nbconvert, refreshes data/processed and loads every table just to pick its
targets, and scans data/raw for personnummer: several times `python -c "import pandas"`. This
module answers the same question from hashes and the build record alone.

After a run that went well (every report and the comparison ok or unchanged, exit 0), `remember`
stores in the build record's `last_run` what its outcome depended on:

    key               sha256 over the run's inputs: the inputs hash of the reports (data/raw's
                      version, the package's files, the template, the library versions), the
                      comparison template, and what was asked (--forbund, --year, --param)
    targets, variant  the reports it listed (förbund, year) and their file-name variant
    comparison        whether it rendered (or kept) the comparison page
    catalogue         what the index shows of the data (full names, key figures)
    record_sha256     the record itself (all of it but last_run)
    index_sha256, validation_sha256, listing_sha256   the index pages and the names of the
                      files in the reports folder (what the index links)

`unchanged_run` recomputes those and, only when every one is as recorded, data/processed is
current (data.manifest.is_current) and each report's HTML on disk is the one its success
wrote, does what the normal path would do with nothing to render: mark every report and the
comparison unchanged in the record and write the index again (from the catalogue: the same
data give the same page), or nothing at all when both are already so. Anything different,
missing or unreadable (and --force) falls through to the normal path, which then decides per
report: a stale report is never kept. The personnummer scan is not repeated: the same bytes of
data/raw, the template and the scanner's code passed it in the run that was recorded.
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
from finsam_analysis.data.lock import DEFAULT_WAIT, LockTimeout, output_lock
from finsam_analysis.data.manifest import is_current
from finsam_analysis.data.targets import ReportTarget
from finsam_analysis.publish.index import COMPARISON_NAME, INDEX_NAME, VALIDATION_NAME, render_index
from finsam_analysis.publish.record import (
    RECORD_NAME,
    atomic_write_text,
    file_sha256,
    inputs_digest,
    load_record,
    new_run_token,
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
SETTLED = ("ok", "unchanged")  # what a report's status is after a run that went well


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


def inputs() -> str | None:
    """The inputs hash of the reports as they are now (record.inputs_digest), None if some
    input cannot be read (the normal path then says what is wrong)."""
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
    """The targets of last_run if each still has its inputs hash and the HTML its success wrote."""
    targets = []
    variant = request.variant
    if last.get("variant") != variant:
        return None
    for forbund, year in last.get("targets") or []:
        target = ReportTarget(forbund, year)
        entry = record["reports"].get(record_key(forbund, year, variant)) or {}
        parameters = {"forbund": forbund, "year": year, **request.parameters}
        if entry.get("status") not in SETTLED or entry.get("success_hash") != target_hash(digest, parameters):
            return None
        html = paths.report_file(out_dir, forbund, year, ".html", variant)
        if entry.get("html_sha256") is None or file_sha256(html) != entry["html_sha256"]:
            return None
        targets.append(target)
    return targets or None


def _check(record: Mapping[str, Any], key: str, request: Request, digest: str, out_dir: Path):
    """(targets, comparison?) when the record and the disk are as the last good run left them."""
    last = record.get(LAST_RUN)
    if not isinstance(last, dict) or last.get("key") != key or last.get("record_sha256") != record_sha256(record):
        return None
    if any(last.get(name) != value for name, value in _state(out_dir).items()):
        return None
    if not isinstance(last.get("catalogue"), dict):
        return None
    targets = _targets_unchanged(record, last, request, digest, out_dir)
    if targets is None:
        return None
    comparison = bool(last.get("comparison"))
    if comparison:
        entry = record.get("comparison") or {}
        html = out_dir / COMPARISON_NAME
        if entry.get("status") not in SETTLED or file_sha256(html) != entry.get("html_sha256"):
            return None
    if not is_current(paths.PROCESSED_DIR, paths.RAW_DIR):
        return None  # the normal path rebuilds data/processed first
    return targets, comparison


def _settle(record: dict[str, Any], targets: Sequence[ReportTarget], variant: str, comparison: bool) -> bool:
    """What a run that renders nothing does to the record (the runner's mark_unchanged, the
    comparison's "unchanged"); True if that changed it."""
    before = record_sha256(record)
    for target in targets:
        record["reports"][record_key(target.forbund, target.year, variant)].update(
            status="unchanged", error=None, failing_cell=None
        )
    if comparison:
        record["comparison"]["status"] = "unchanged"
    return record_sha256(record) != before


def unchanged_run(
    request: Request,
    digest: str,
    *,
    jobs: Any = None,
    timeout: Any = DEFAULT_TIMEOUT,
    wait: float = DEFAULT_WAIT,
) -> tuple[RunSummary, ReportResult | None] | None:
    """The summary of this run (and the comparison's result) when it has nothing to do, else None.

    Takes the same locks as a run (waiting up to `wait` seconds, then LockTimeout) and does
    what such a run does to the reports folder: removes the temp files of crashed runs, marks
    each report and the comparison unchanged in the record and writes the index again (from the
    recorded catalogue; nothing is written when both are already so). ValueError on bad jobs or
    timeout, as the runner. digest: `inputs()`, the inputs hash of the reports."""
    t0 = time.monotonic()
    out_dir = Path(paths.REPORTS_DIR)
    check_run_options(jobs, timeout)
    record_path = out_dir / RECORD_NAME
    if not record_path.is_file():
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
        last = record[LAST_RUN]
        if _settle(record, targets, request.variant, comparison):
            page = render_index(record, out_dir, last["catalogue"])
            record[LAST_RUN] = {
                **last,
                "record_sha256": record_sha256(record),
                "index_sha256": hashlib.sha256(page.encode()).hexdigest(),
            }
            token = new_run_token()
            try:
                save_record(record_path, record, token)
                atomic_write_text(out_dir / INDEX_NAME, page, token)
            except OSError:  # a full disk, say: the normal path reports it as a run does
                return None
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
    page_result = ReportResult(ReportTarget(COMPARISON_PAGE, year), "unchanged") if comparison else None
    return summary, page_result


def remember(request: Request, key: str | None, summary: RunSummary, comparison: ReportResult | None) -> bool:
    """After a run that went well (every report and the comparison ok or unchanged, exit 0):
    store what its result depended on as last_run, so that the next run with the same request
    and inputs is decided by `unchanged_run`. Returns whether it stored it (never raises: the
    run itself is done; without a record the next run takes the normal path)."""
    results: Sequence[ReportResult] = summary.results
    if (
        key is None
        or not results
        or not summary.ok
        or any(r.status not in SETTLED for r in results)
        or (comparison is not None and comparison.status not in SETTLED)
        or summary.out_dir is None
        or Path(summary.out_dir).resolve() != Path(paths.REPORTS_DIR).resolve()
    ):
        return False
    out_dir = Path(summary.out_dir)
    try:
        return _remember(request, key, results, comparison, out_dir)
    except (LockTimeout, OSError) as exc:  # another run holds the folder, or it cannot be written
        logger.debug("run state not recorded: %s", exc)
        return False


def _remember(
    request: Request, key: str, results: Sequence[ReportResult], comparison: ReportResult | None, out_dir: Path
) -> bool:
    from finsam_analysis.publish.index import catalogue

    variant = request.variant
    with output_lock(out_dir, "finsam reports", wait=0):
        record = load_record(out_dir / RECORD_NAME)
        entries = [record["reports"].get(record_key(r.target.forbund, r.target.year, variant)) or {} for r in results]
        if any(e.get("status") != r.status for e, r in zip(entries, results)):
            return False  # another run came in between: leave the next decision to the normal path
        if comparison is not None and (record.get("comparison") or {}).get("status") != comparison.status:
            return False
        record[LAST_RUN] = {
            "format": NOOP_FORMAT,
            "key": key,
            "targets": [[r.target.forbund, r.target.year] for r in results],
            "variant": variant,
            "comparison": comparison is not None,
            "catalogue": catalogue(record),
            "record_sha256": record_sha256(record),
            **_state(out_dir),
        }
        save_record(out_dir / RECORD_NAME, record)
    return True
