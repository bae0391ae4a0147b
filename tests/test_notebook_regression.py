"""nbval regression bites: a changed curated figure makes the committed report notebook fail.

The committed notebooks/forbund_report.ipynb holds the outputs for the curated data. Re-running
it under nbval against a temp copy of the data passes unchanged, and fails once one figure in
data/raw changes — so no figure can move without someone looking at the diff.
"""
import os
import shutil
import subprocess
import sys

import pytest

from finsam_analysis.data import paths

pytestmark = pytest.mark.slow


def run_nbval(root) -> subprocess.CompletedProcess:
    env = dict(os.environ, FINSAM_ROOT=str(root))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
         "--nbval", "--nbval-current-env", "--nbval-sanitize-with", str(root / "notebooks" / "sanitize.cfg"),
         str(root / "notebooks" / "forbund_report.ipynb")],
        cwd=root, env=env, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture
def project_copy(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(paths.RAW_DIR, root / "data" / "raw")
    (root / "notebooks").mkdir()
    for name in ("forbund_report.ipynb", "sanitize.cfg"):
        shutil.copy(paths.NOTEBOOKS_DIR / name, root / "notebooks" / name)
    return root


def test_unchanged_data_passes_and_one_changed_figure_fails(project_copy):
    assert run_nbval(project_copy).returncode == 0
    financials = project_copy / "data" / "raw" / "sjuharad" / "arsredovisning-2024" / "financials.csv"
    text = financials.read_text(encoding="utf-8")
    row = "income_statement,2024,utfall,net_result,246185.14,kr"
    assert row in text
    financials.write_text(text.replace(row, row.replace("246185.14", "246186.14")), encoding="utf-8")
    result = run_nbval(project_copy)
    assert result.returncode != 0
    assert "Cell outputs differ" in result.stdout
    assert "246\u00a0186\u00a0kr" in result.stdout  # the new result, against the stored 246 185 kr
