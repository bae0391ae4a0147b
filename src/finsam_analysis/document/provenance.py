"""Provenance of an analysis document: when it was made, from which data, with which parameters."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

try:  # the documents are read in Sweden
    from zoneinfo import ZoneInfo

    ZONE = ZoneInfo("Europe/Stockholm")
except Exception:  # pragma: no cover - a machine without tz data
    ZONE = None


def data_version(root: Path | None = None) -> str:
    """The data version the documents print: the first 12 hex digits of data.version.raw_digest
    (one sha256 over every file under data/raw; the same one the manifest and the report
    inputs hash use). The same data gives the same version anywhere."""
    from finsam_analysis.data.version import raw_digest

    return raw_digest(Path(root) if root else None)[:12]


def generated_at() -> str:
    """'2026-12-02 01:30' in Swedish time (the zone is named when it is not Swedish time)."""
    now = datetime.now(ZONE) if ZONE else datetime.now().astimezone()
    return now.strftime("%Y-%m-%d %H:%M") + ("" if ZONE else f" {now.tzname()}")
