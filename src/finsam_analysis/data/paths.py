"""Every project path and naming rule in one place, from the project root (no string paths elsewhere)."""

from __future__ import annotations

import os
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
# FINSAM_ROOT lets tests and scheduled runs point the package at another checkout or a temp copy.
PROJECT_ROOT = Path(os.environ.get("FINSAM_ROOT", PACKAGE_DIR.parents[1])).resolve()
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
REFERENCE_DIR = RAW_DIR / "reference"
PROCESSED_DIR = DATA_DIR / "processed"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORT_TEMPLATE = NOTEBOOKS_DIR / "forbund_report.ipynb"
REPORTS_DIR = PROJECT_ROOT / "reports"
VOCABULARY_FILE = PACKAGE_DIR / "data" / "vocabulary.yaml"
RULES_FILE = PACKAGE_DIR / "checks" / "rules.yaml"
HTML_TEMPLATES_DIR = PACKAGE_DIR / "publish" / "templates"

# A förbund's slug: its short name in lowercase ASCII, words joined by single hyphens. It is a
# folder name, a column value and a file name, so nothing path-like ever passes.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def is_slug(value: object) -> bool:
    return isinstance(value, str) and SLUG.fullmatch(value) is not None


def check_slug(value: object) -> str:
    """The slug itself, or ValueError saying what a slug looks like."""
    if not is_slug(value):
        raise ValueError(
            "förbund must be a slug of lowercase ASCII letters and digits, words joined by single "
            f"'-' (e.g. 'sjuharad', 'ostra-skaraborg'; no path separators), got {value!r}"
        )
    return value


VARIANT = re.compile(r"(?:--[a-z0-9]+(?:-[a-z0-9]+)*)*")


def _check_variant(variant: str) -> str:
    if not (isinstance(variant, str) and VARIANT.fullmatch(variant)):
        raise ValueError(
            f"a report variant is '' or '--name-value' parts (document.parameters.variant), got {variant!r}"
        )
    return variant


def report_file(out_dir: Path, forbund: str, year: int, suffix: str = ".html", variant: str = "") -> Path:
    """Where one analysis document lives: <out_dir>/<year>/<forbund><variant><suffix>.

    `variant` is '' for the default parameters and names the others ('--troskel-10', see
    document.parameters.variant), so a run with other parameters never overwrites the default
    document."""
    return Path(out_dir) / str(year) / f"{check_slug(forbund)}{_check_variant(variant)}{suffix}"


def report_href(forbund: str, year: int, suffix: str = ".html", variant: str = "") -> str:
    """The same place as a link relative to the reports folder (for the index)."""
    return f"{year}/{check_slug(forbund)}{_check_variant(variant)}{suffix}"
