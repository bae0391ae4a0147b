"""data/processed with its checks: the tables and, beside them, their reconciliation.

`finsam build` and `finsam reports` write both, so a report kernel reads its förbund's rows
and checks from disk instead of loading, schema-checking and reconciling data/raw again.
"""

from __future__ import annotations

import logging
from pathlib import Path

from finsam_analysis.checks.reconcile import reconcile
from finsam_analysis.data import paths
from finsam_analysis.data.build import Tables, build_tables, is_current, load_processed, write_processed
from finsam_analysis.data.lock import DEFAULT_WAIT

log = logging.getLogger(__name__)


def build_and_write(
    raw_dir: Path | None = None, out_dir: Path | None = None, only: list[str] | None = None, wait: float = DEFAULT_WAIT
) -> tuple[Tables, Path]:
    """Build the tables from raw_dir, reconcile them, write both atomically to out_dir (waiting
    up to `wait` seconds for another build of the same folder)."""
    raw_dir = Path(raw_dir or paths.RAW_DIR)
    tables = build_tables(raw_dir, only=only)  # reconcile binds every check first
    findings = reconcile(tables)
    out = write_processed(tables, out_dir, raw_dir=raw_dir, findings=findings, wait=wait, complete=only is None)
    return tables, out


def refresh_processed(
    raw_dir: Path | None = None, processed_dir: Path | None = None, wait: float = DEFAULT_WAIT
) -> Tables:
    """All tables, from data/processed when it is current, else built from data/raw, checked
    and written there first (what `finsam reports` runs once, before any kernel)."""
    raw_dir = Path(raw_dir or paths.RAW_DIR)
    processed_dir = Path(processed_dir or paths.PROCESSED_DIR)
    if is_current(processed_dir, raw_dir):
        return load_processed(processed_dir)
    log.info("%s is missing or older than %s: building it", processed_dir, raw_dir)
    return build_and_write(raw_dir, processed_dir, wait=wait)[0]
