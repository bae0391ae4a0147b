"""Synthetic project roots for scaling benchmarks: N förbund made by copying the curated ones.

    python benchmarks/synthetic.py 70 /tmp/finsam-70   # then FINSAM_ROOT=/tmp/finsam-70 finsam ...

Each copy is the same documents under a new slug `syntetisk-NNN` (forbund.yaml and every
source.yaml renamed, the name marked "SYNTETISK KOPIA"), so build, validate and the reports
do exactly the work a real förbund of that shape would cause. Never written into data/raw:
the root is a separate folder with its own data/raw, reference data and notebooks.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


def seed_forbund(raw: Path = RAW) -> list[Path]:
    """The curated förbund folders (every folder with a forbund.yaml)."""
    return sorted(p.parent for p in raw.glob("*/forbund.yaml"))


def _rename(folder: Path, old: str, new: str) -> None:
    meta = folder / "forbund.yaml"
    text = meta.read_text(encoding="utf-8")
    text = re.sub(rf"(?m)^slug: {re.escape(old)}\s*$", f"slug: {new}", text)
    text = re.sub(r"(?m)^name: (.*)$", lambda m: f"name: {m.group(1)} (SYNTETISK KOPIA {new})", text, count=1)
    meta.write_text(text, encoding="utf-8")
    for source in folder.glob("*/source.yaml"):
        text = source.read_text(encoding="utf-8")
        source.write_text(re.sub(rf"(?m)^forbund: {re.escape(old)}\s*$", f"forbund: {new}", text), encoding="utf-8")


def make_root(n: int, dest: Path, project: Path = ROOT) -> Path:
    """A project root with n synthetic förbund (cycling through the curated ones of `project`,
    default this checkout: another checkout's code is measured on its own data)."""
    dest, project = Path(dest), Path(project)
    raw_source = project / "data" / "raw"
    if dest.exists():
        shutil.rmtree(dest)
    raw = dest / "data" / "raw"
    raw.mkdir(parents=True)
    shutil.copytree(raw_source / "reference", raw / "reference")
    shutil.copytree(project / "notebooks", dest / "notebooks")
    seeds = seed_forbund(raw_source)
    if not seeds:
        raise SystemExit(f"no förbund in {raw_source}")
    for i in range(n):
        seed = seeds[i % len(seeds)]
        slug = f"syntetisk-{i + 1:03d}"
        shutil.copytree(seed, raw / slug)
        _rename(raw / slug, seed.name, slug)
    return dest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("dest", type=Path)
    args = parser.parse_args()
    print(make_root(args.n, args.dest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
