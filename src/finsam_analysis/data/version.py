"""The data version (one sha256 over every file under data/raw) and the code version (one
sha256 over the package's files and the versions of the libraries that shape its output).

The data version names the data a document was made from, tells whether data/processed is
older than data/raw (the manifest records the version it was built from), and is part of
every report's inputs hash. The code version tells whether data/processed (its findings above
all) was made by this code. Both are cheap (data/raw is text, a few MB) and import nothing
heavy: a run that has nothing to do decides so from them (publish/noop.py).

Inside `one_digest_per_run()` (what one `finsam reports` run holds) the data version of a
folder is computed once and reused: the run hashes data/raw when it starts, and every part of
it (processed refresh, inputs hash, comparison, index) uses that one answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from finsam_analysis.data import paths

# the data version of each folder while a run pins it (one_digest_per_run); None: not pinned
_PINNED: dict[str, str] | None = None


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


def _raw_digest(raw_dir: Path) -> str:
    h = hashlib.sha256(b"finsam-raw-v1\0")
    for rel, path in raw_files(raw_dir):
        data = path.read_bytes()
        h.update(f"{rel}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def raw_digest(raw_dir: Path | None = None) -> str:
    """sha256 over the relative path, size and bytes of every file under raw_dir."""
    raw_dir = Path(raw_dir or paths.RAW_DIR)
    if _PINNED is None:
        return _raw_digest(raw_dir)
    key = str(raw_dir.resolve())
    if key not in _PINNED:
        _PINNED[key] = _raw_digest(raw_dir)
    return _PINNED[key]


@contextlib.contextmanager
def one_digest_per_run() -> Iterator[None]:
    """Within the block, each raw folder is hashed once (the first time it is asked for).

    For one run of a command, which reads data/raw as it was when it started: an edit made
    meanwhile is seen by the next run (its hashes then differ from what this run recorded)."""
    global _PINNED
    outer = _PINNED
    _PINNED = {} if outer is None else outer
    try:
        yield
    finally:
        _PINNED = outer


# --------------------------------------------------------------------------- code version

# what of the package shapes its output: code, vocabularies and rules, nbconvert's HTML templates
PACKAGE_INPUTS = ("*.py", "*.yaml", "*.j2", "*.json", "*.css", "*.tpl")
# the libraries that shape a report's figures and HTML, and the processed tables
LIBRARIES = (
    "pandas",
    "numpy",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "pandera",
    "PyYAML",
)


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _installed_versions() -> dict[str, str]:
    """{normalized name: version} from the `<name>-<version>.dist-info` folders on sys.path
    (the first one wins, as for imports): one directory listing per path entry, where
    importlib.metadata would cost a fifth of a second to import alone."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and "-" in name:
                dist, _, version = name[: -len(".dist-info")].partition("-")
                found.setdefault(_normalized(dist), version)
    return found


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape a report's figures and HTML ('absent' if not installed)."""
    installed = _installed_versions()
    versions = {}
    for name in LIBRARIES:
        version = installed.get(_normalized(name))
        if version is None:  # installed some other way (an .egg-info, a zip): ask importlib
            from importlib import metadata

            try:
                version = metadata.version(name)
            except metadata.PackageNotFoundError:
                version = "absent"
        versions[name] = version
    return versions


def files_under(root: Path, patterns: Iterable[str]) -> list[tuple[str, Path]]:
    """Files under root matching any pattern as (relative posix path, path), sorted; no __pycache__."""
    if not root.is_dir():
        return []
    found: dict[str, Path] = {}
    for pattern in patterns:
        for path in root.rglob(pattern):
            rel = path.relative_to(root)
            if path.is_file() and "__pycache__" not in rel.parts:
                found[rel.as_posix()] = path
    return sorted(found.items())


def hash_file(h: hashlib._Hash, label: str, rel: str, path: Path) -> None:
    """Add one file to h, length-prefixed so that no two different file sets give the same bytes."""
    h.update(f"{label}\0{rel}\0{path.stat().st_size}\0".encode())
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)


def hash_package(h: hashlib._Hash, package_dir: Path) -> None:
    """Add every file of the package that shapes its output (PACKAGE_INPUTS) to h."""
    for rel, path in files_under(package_dir, PACKAGE_INPUTS):
        hash_file(h, "package", rel, path)


def code_version(package_dir: Path | None = None) -> str:
    """sha256 over every file of the package (code, vocabularies, rules, HTML templates) and
    the library versions: what, besides data/raw, decides the processed tables and findings."""
    h = hashlib.sha256(b"finsam-code-v1\0")
    hash_package(h, Path(package_dir or paths.PACKAGE_DIR))
    h.update(json.dumps(library_versions(), sort_keys=True).encode())
    return h.hexdigest()
