"""Record precedence: one figure per key when several documents or sections print it.

The newest document wins (an annual report's comparative year is superseded by the next
report); at equal date an annual report beats board minutes. Within one document the
statement order below decides (the audited statements before the overview and the text).
Disagreements between the candidates are the reconciliation's business, not this module's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from finsam_analysis.data.periods import full_year
from finsam_analysis.data.vocabulary import load_vocabulary

# at equal date, the vocabulary's order of document kinds (annual report first) decides
KIND_RANK = {k: i for i, k in enumerate(load_vocabulary().words("document_kinds"))}
# the vocabulary's order of statements is the one order of preference (measures use it too)
STATEMENT_RANK = {s: i for i, s in enumerate(load_vocabulary().words("statements"))}
DOCUMENT_ID = re.compile(rf"^(?P<kind>{'|'.join(KIND_RANK)})-(?P<date>\d{{4}}(?:-\d{{2}}-\d{{2}})?)$")


def document_rank(document: str) -> tuple[str, int]:
    """(date, kind rank) from a document id like 'arsredovisning-2024' or 'protokoll-2023-12-15'.

    An annual report for fiscal year Y is dated after the year ends (we use Y+1), so it beats
    minutes held during year Y.
    """
    match = DOCUMENT_ID.match(document)
    if not match:
        raise ValueError(f"document id {document!r} is not <kind>-<year> or <kind>-<yyyy-mm-dd>")
    kind, date = match["kind"], match["date"]
    if len(date) == 4:
        date = f"{int(date) + 1}-01-01"
    return date, KIND_RANK.get(kind, 9)


def preferred(df: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """One row per (forbund, *keys): newest document first, then annual report, then statement.

    Only full-year figures take part: a part-year figure (period other than helar) is never
    preferred over, or mixed with, the figure of the whole year.
    """
    df = full_year(df)
    if df.empty:
        return df.copy()
    ranks = df["document"].map(document_rank)
    ordered = df.assign(
        _date=ranks.map(lambda r: r[0]),
        _kind=ranks.map(lambda r: r[1]),
        _statement=df["statement"].map(STATEMENT_RANK).fillna(9) if "statement" in df else 0,
    ).sort_values(["_date", "_kind", "_statement"], ascending=[False, True, True], kind="stable")
    picked = ordered.drop_duplicates(["forbund", *keys], keep="first")
    return picked.drop(columns=["_date", "_kind", "_statement"]).sort_index()


# The key of one figure per table: what "the same figure" means when picking one.
RECORD_KEYS = {
    "financials": ("year", "basis", "item", "statement"),
    "member_contributions": ("year", "basis", "member", "member_kind"),
    "participants": ("year", "intervention", "group", "measure", "gender", "unit"),
    "outcomes": ("year", "intervention", "outcome", "gender", "unit", "base"),
}


def preferred_table(tables, name: str) -> pd.DataFrame:
    """One processed table (of finsam_analysis.data.build.Tables) with one figure per record key.

    Where one document prints two different figures for a key (a registered discrepancy),
    the first in the file is used; the reconciliation reports the other.
    """
    return preferred(tables.table(name), RECORD_KEYS[name])
