"""finsam-analysis: curated figures and analysis of Swedish samordningsförbund (Finsam).

For notebooks: `tables = finsam_analysis.load()` gives the processed tables
(tables.financials, tables.member_contributions, tables.participants, ...).
"""

from __future__ import annotations

__version__ = "0.1.0"


def load(processed_dir=None):
    """The processed tables.

    Without an argument they are built from data/raw in memory (about a second), so a
    notebook never sees stale data; pass a folder to read a written data/processed instead.
    """
    from finsam_analysis.data.build import build_tables, load_processed

    return build_tables() if processed_dir is None else load_processed(processed_dir)
