"""finsam-analysis: curated figures and analysis of Swedish samordningsförbund (Finsam).

For notebooks: `tables = finsam_analysis.load()` gives the processed tables
(tables.financials, tables.member_contributions, tables.participants, ...).
"""
from __future__ import annotations

__version__ = "0.1.0"


def load(processed_dir=None):
    """The processed tables, built from data/raw if data/processed is missing."""
    from finsam_analysis.build import load_processed

    return load_processed(processed_dir)
