"""The data version: one sha256 over every file under data/raw.

It names the data a document was made from, tells whether data/processed is older than
data/raw (the manifest records the version it was built from), and is part of every
report's inputs hash. Cheap enough to compute per run (data/raw is text, a few MB).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from finsam_analysis.data import paths


def raw_files(raw_dir: Path) -> list[tuple[str, Path]]:
    """Every file under raw_dir as (relative posix path, path), sorted; hidden files,
    __pycache__ and `proposed/` folders (curation proposals, not yet curated) left out."""
    if not raw_dir.is_dir():
        return []
    found = []
    for path in raw_dir.rglob("*"):
        rel = path.relative_to(raw_dir)
        if path.is_file() and not any(
            part.startswith(".") or part in ("__pycache__", "proposed") for part in rel.parts
        ):
            found.append((rel.as_posix(), path))
    return sorted(found)


def raw_digest(raw_dir: Path | None = None) -> str:
    """sha256 over the relative path, size and bytes of every file under raw_dir."""
    raw_dir = Path(raw_dir or paths.RAW_DIR)
    h = hashlib.sha256(b"finsam-raw-v1\0")
    for rel, path in raw_files(raw_dir):
        data = path.read_bytes()
        h.update(f"{rel}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()
