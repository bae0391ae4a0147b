"""data/processed's manifest: what `finsam build` wrote, from which data and by which code.

    manifest.json = {"generated_by": "finsam build",
                     "raw_digest": <data version of data/raw it was built from>,
                     "current_build": {"code_version": <data.version.code_version>,
                                       "forbund": [<slugs built>], "complete": <every förbund>},
                     "sha256": {<file>: <sha256>, ...}}

Readers trust data/processed (its tables, and above all findings.csv, the reconciliation) only
when it is current: built from data/raw as it is now, by this code, for every förbund, and
intact. Plain JSON and hashes: no pandas, so a run with nothing to do can tell cheaply.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from finsam_analysis.data import paths
from finsam_analysis.data.errors import Problem
from finsam_analysis.data.version import code_version, raw_digest

MANIFEST = "manifest.json"
FINDINGS_FILE = "findings.csv"


def write_manifest(
    folder: Path, raw_version: str | None = None, forbund: Iterable[str] | None = None, complete: bool = True
) -> Path:
    """manifest.json: the sha256 of every file `finsam build` wrote into folder, the data
    version (data.version.raw_digest) of the raw folder it was built from, and the build
    itself: the code version, the förbund built and whether that was every förbund."""
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != MANIFEST
    }
    path = folder / MANIFEST
    manifest = {
        "generated_by": "finsam build",
        "raw_digest": raw_version,
        "current_build": {
            "code_version": code_version(),
            "forbund": sorted(set(forbund or ())),
            "complete": bool(complete),
        },
        "sha256": files,
    }
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_manifest(processed_dir: Path) -> dict[str, Any] | None:
    """The manifest as written, or None if missing or unreadable."""
    try:
        manifest = json.loads((Path(processed_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def built_from(processed_dir: Path) -> str | None:
    """The data version a processed folder was built from (None if unknown or unreadable)."""
    return (read_manifest(processed_dir) or {}).get("raw_digest")


def current_build(processed_dir: Path) -> dict[str, Any]:
    """The manifest's `current_build` (code version, förbund built, complete), {} if unknown."""
    build = (read_manifest(processed_dir) or {}).get("current_build")
    return build if isinstance(build, dict) else {}


def is_current(processed_dir: Path | None = None, raw_dir: Path | None = None) -> bool:
    """True when processed_dir holds findings, is intact and was built from raw_dir as it is
    now, by this code (package and library versions), for every förbund."""
    processed_dir = Path(processed_dir or paths.PROCESSED_DIR)
    if not (processed_dir / FINDINGS_FILE).is_file():
        return False
    manifest = read_manifest(processed_dir) or {}
    build = manifest.get("current_build")
    if not isinstance(build, dict) or build.get("complete") is not True:
        return False
    version = manifest.get("raw_digest")
    return (
        version is not None
        and version == raw_digest(raw_dir)
        and build.get("code_version") == code_version()
        and not verify_manifest(processed_dir)
    )


def verify_manifest(folder: Path) -> list[Problem]:
    """Problems where data/processed differs from what `finsam build` wrote (a hand edit, a
    missing or extra file); empty = intact."""
    folder = Path(folder)
    path = folder / MANIFEST
    rebuild = "data/processed is only written by `finsam build`: edit data/raw and rebuild"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        expected = dict(manifest["sha256"])
    except FileNotFoundError:
        return [Problem(path, None, None, f"missing; {rebuild}")]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, OSError):
        return [Problem(path, None, None, f"is not a manifest written by finsam build; {rebuild}")]
    problems = []
    present = {p.name for p in folder.iterdir() if p.is_file() and p.name != MANIFEST}
    for name, digest in sorted(expected.items()):
        file = folder / name
        if name not in present:
            problems.append(Problem(file, None, None, f"listed in {MANIFEST} but missing; {rebuild}"))
        elif hashlib.sha256(file.read_bytes()).hexdigest() != digest:
            problems.append(Problem(file, None, None, f"differs from {MANIFEST} (edited by hand?); {rebuild}"))
    for name in sorted(present - set(expected)):
        problems.append(
            Problem(folder / name, None, None, f"not written by finsam build (not in {MANIFEST}); {rebuild}")
        )
    return problems
