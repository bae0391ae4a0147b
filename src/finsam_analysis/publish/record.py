"""Bookkeeping of the report runner: inputs hash, build record, atomic writes.

Split out of the runner so that it stays readable; nothing here runs a kernel.

The build record (`reports/build-record.json`) holds one entry per (förbund, year) ever
rendered into that folder, keyed "<year>/<forbund>":

    status          result of the latest run: ok | failed | unchanged
    inputs_hash     hash of the inputs of the latest attempt
    success_hash    hash of the inputs of the latest successful run (null if none yet)
    parameters      the parameters of the latest attempt
    seconds         wall time of the latest execution
    error, failing_cell   of the latest attempt (null unless it failed)
    log             <year>/<forbund>.log if the latest attempt left kernel output worth keeping
    attempted_at, succeeded_at   UTC timestamps (ISO 8601)
    success_parameters, html_sha256   of the latest success: what the HTML on disk was
                    rendered with, and its sha256

A target is up to date when its new inputs hash equals `success_hash` and its HTML on disk is
the one recorded (`html_sha256`). Beside "reports", the record holds "comparison" (the same
fields for reports/jamforelse.html), "unreportable" (förbund without a report, and why) and
"last_run" (the state a run that rendered nothing left, publish/noop.py). The record is read and written under the run's lock
(data/lock.py), so two runs cannot interleave their entries.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from finsam_analysis.data.version import hash_file, hash_package, library_versions, raw_digest

logger = logging.getLogger("finsam_analysis.publish.runner")

RECORD_NAME = "build-record.json"
RECORD_FORMAT = 1
TEMP_MARK = ".tmp"

# --------------------------------------------------------------------------- atomic files


def new_run_token() -> str:
    """<pid>x<random>: names this run's temp files (its pid says whose they were)."""
    return f"{os.getpid()}x{secrets.token_hex(4)}"


def os_error_message(exc: OSError, path: Path | None = None) -> str:
    """'cannot write reports/2024/alpha.html (Permission denied): ...what to do'."""
    where = Path(exc.filename) if exc.filename else path
    reason = exc.strerror or str(exc)
    advice = {
        errno.EACCES: "make the folder writable for this user (or run as the checkout's owner)",
        errno.EPERM: "make the folder writable for this user (or run as the checkout's owner)",
        errno.EROFS: "the file system is mounted read-only; write the reports elsewhere",
        errno.ENOSPC: "free some disk space, then rerun",
        errno.EDQUOT: "the disk quota is exhausted; free some space, then rerun",
    }.get(exc.errno, "check the folder, then rerun")
    folder = where.parent if where is not None and where.suffix else where
    return f"cannot write {folder} ({reason}): {advice}"


def temp_path_for(final: Path, run_token: str) -> Path:
    """A hidden sibling of `final` (same directory, so os.replace is atomic), same suffix.

    The name carries the run token so that a run can sweep up its own leftovers without
    touching those of a concurrent run: `.halland.<token>.<random>.tmp.ipynb`.
    """
    return final.with_name(f".{final.stem}.{run_token}.{secrets.token_hex(4)}{TEMP_MARK}{final.suffix}")


def file_sha256(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def atomic_write_text(path: Path, text: str, run_token: str = "w") -> None:
    """Write text to a temp file beside `path`, fsync it, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path_for(path, run_token)
    try:
        with open(tmp, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def sweep_temp_files(directories: Iterable[Path], run_token: str) -> None:
    """Remove temp files a run left behind (a worker killed mid-write)."""
    for directory in directories:
        if directory.is_dir():
            for leftover in directory.glob(f".*.{run_token}.*{TEMP_MARK}.*"):
                logger.debug("removing leftover temp file %s", leftover)
                leftover.unlink(missing_ok=True)


def sweep_stale_temp_files(out_dir: Path) -> int:
    """Remove the temp files of dead runs (a crash, kill -9, power cut) from out_dir and its
    year folders. Only call it holding out_dir's lock: then no other run is writing there, so
    every temp file is a leftover. Returns how many were removed."""
    removed = 0
    if not out_dir.is_dir():
        return 0
    for pattern in (f".*{TEMP_MARK}*", f"*/.*{TEMP_MARK}*"):
        for leftover in out_dir.glob(pattern):
            try:
                if leftover.is_file() or leftover.is_symlink():
                    leftover.unlink()
                    removed += 1
            except OSError as exc:
                logger.warning("cannot remove the leftover temp file %s: %s", leftover, exc)
    if removed:
        logger.info("removed %d temp file(s) left behind by an interrupted run", removed)
    return removed


def unwritable(out_dir: Path) -> str | None:
    """Why out_dir cannot take this run's files (a probe file is created and removed: the
    permission bits alone do not tell, e.g. for root or a read-only mount), or None."""

    probe = None
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = temp_path_for(out_dir / "probe", new_run_token())
        probe.touch()
    except OSError as exc:
        return os_error_message(exc, out_dir / "x")
    finally:
        if probe is not None:
            with contextlib.suppress(OSError):
                probe.unlink(missing_ok=True)
    return None


# --------------------------------------------------------------------------- inputs hash


def inputs_digest(raw_dir: Path, package_dir: Path, template: Path) -> str:
    """sha256 over the data version of raw_dir (data.version.raw_digest), every file of the package (code, vocabularies,
    rules, HTML templates), the report template and the library versions.

    Shared by all targets of a run; `target_hash` adds each target's parameters.
    A missing raw_dir counts as empty (logged), so the hash is still defined.
    """
    h = hashlib.sha256(b"finsam-reports-inputs-v3\0")
    if not raw_dir.is_dir():
        logger.warning("raw data folder %s does not exist; hashing without it", raw_dir)
    # the data version (data.version): the same hash data/processed records and documents show
    h.update(f"raw\0{raw_digest(raw_dir)}\0".encode())
    hash_package(h, package_dir)
    hash_file(h, "template", template.name, template)
    h.update(json.dumps(library_versions(), sort_keys=True).encode())
    return h.hexdigest()


def parameters_json(parameters: Mapping[str, Any]) -> str:
    """Canonical JSON of the parameters (sorted keys), as hashed and recorded."""
    return json.dumps(parameters, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def target_hash(digest: str, parameters: Mapping[str, Any]) -> str:
    """The inputs hash of one target: the shared digest plus the JSON of its parameters."""
    h = hashlib.sha256(digest.encode())
    h.update(b"\0parameters\0")
    h.update(parameters_json(parameters).encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- build record


def record_key(forbund: str, year: int, variant: str = "") -> str:
    return f"{year}/{forbund}{variant}"


def empty_record() -> dict[str, Any]:
    return {"format": RECORD_FORMAT, "reports": {}}


def load_record(path: Path) -> dict[str, Any]:
    """The build record, or an empty one if missing or unreadable (then everything reruns)."""
    if not path.exists():
        return empty_record()
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("format") != RECORD_FORMAT or not isinstance(record.get("reports"), dict):
            raise ValueError(f"unexpected format {record.get('format')!r}")
    except (OSError, ValueError, AttributeError) as exc:
        logger.warning("ignoring unreadable build record %s (%s); all targets will run", path, exc)
        return empty_record()
    return record


def save_record(path: Path, record: Mapping[str, Any], run_token: str = "w") -> None:
    text = json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write_text(path, text, run_token)


# --------------------------------------------------------------------------- index page
