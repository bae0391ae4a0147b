"""Shared fixtures: the curated data built in memory, and a one-figure lookup."""

from __future__ import annotations

import pytest
from helpers import FIXTURES_RAW, write_synthetic  # noqa: E402,F401 (fixtures below use them)

from finsam_analysis.data import paths
from finsam_analysis.data.build import build_tables


@pytest.fixture(scope="session")
def tables():
    """All raw folders loaded and validated, as the processed tables (not written to disk)."""
    return build_tables(paths.RAW_DIR)


@pytest.fixture(scope="session")
def fixture_tables():
    """The synthetic fixture förbund, built in memory (never mixed with data/raw)."""
    return build_tables(FIXTURES_RAW)


@pytest.fixture
def synthetic_raw(tmp_path):
    return write_synthetic(tmp_path / "raw")


@pytest.fixture(scope="session")
def report_context(tables):
    """One förbund's report context from the session's tables, made once per (slug, threshold)."""
    from finsam_analysis.document import sections

    made = {}

    def get(slug: str, threshold: int = 5):
        if (slug, threshold) not in made:
            made[slug, threshold] = sections.prepare(slug, suppression_threshold=threshold, tables=tables)
        return made[slug, threshold]

    return get
