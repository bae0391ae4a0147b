"""Full-page screenshots of every rendered document and the index (headless Chromium, 1300 px).

    python benchmarks/screenshots.py [reports_dir] [out_dir]     # or: make screenshots

Needs Debian's chromium (`apt-get install -y chromium`). The page height is measured first, so
the PNG holds the whole page. No network: the documents are self-contained, and Chromium runs
with background networking off and a throw-away profile.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDTH = 1300
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--hide-scrollbars",
]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    sys.exit("screenshots: no chromium on PATH (Debian: apt-get install -y chromium)")


def page_height(browser: str, page: Path, profile: str) -> int:
    """The document's scroll height, from Chromium's own DOM dump of a small script's output."""
    probe = Path(profile) / "probe.html"
    probe.write_text(
        f"<iframe id=f src='{page.as_uri()}' style='width:{WIDTH}px;height:100px' onload=\""
        'document.title=this.contentDocument.documentElement.scrollHeight"></iframe>',
        encoding="utf-8",
    )
    out = subprocess.run(
        [
            browser,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    import re

    m = re.search(r"<title>(\d+)</title>", out)
    return int(m.group(1)) + 40 if m else 6000


def shoot(page: Path, png: Path) -> None:
    browser = chromium()
    with tempfile.TemporaryDirectory() as profile:
        height = min(page_height(browser, page, profile), 30000)
        subprocess.run(
            [
                browser,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={WIDTH},{height}",
                f"--screenshot={png}",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=180,
            check=False,
        )
    print(f"{png} ({WIDTH}x{height})")


def main(argv: list[str]) -> int:
    reports = Path(argv[1]) if len(argv) > 1 else ROOT / "reports"
    out = Path(argv[2]) if len(argv) > 2 else ROOT / "reports" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    pages = sorted(reports.glob("*.html")) + sorted(reports.glob("[0-9]*/*.html"))
    if not pages:
        sys.exit(f"screenshots: no HTML under {reports}; run `finsam reports` first")
    for page in pages:
        name = page.relative_to(reports).as_posix().replace("/", "-").removesuffix(".html")
        shoot(page.resolve(), out / f"{name}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
