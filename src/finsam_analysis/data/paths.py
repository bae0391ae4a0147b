"""All project paths in one place, from the project root (no string paths elsewhere)."""
from __future__ import annotations

import os
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
