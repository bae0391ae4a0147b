"""Provenance of an analysis document: when it was made, from which data, with which parameters."""
from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from finsam_analysis.data import paths

try:  # the documents are read in Sweden
    from zoneinfo import ZoneInfo

    ZONE = ZoneInfo("Europe/Stockholm")
except Exception:  # pragma: no cover - a machine without tz data
    ZONE = None


def data_version(root: Path | None = None) -> str:
    """The data version: the first 12 hex digits of a SHA-256 over every file under data/raw
    (relative path and bytes, in sorted order). The same data gives the same version anywhere."""
    root = Path(root or paths.RAW_DIR)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def generated_at() -> str:
    """'2026-12-02 01:30' in Swedish time (the zone is named when it is not Swedish time)."""
    now = datetime.now(ZONE) if ZONE else datetime.now().astimezone()
    return now.strftime("%Y-%m-%d %H:%M") + ("" if ZONE else f" {now.tzname()}")
