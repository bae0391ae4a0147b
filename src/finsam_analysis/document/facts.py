"""The figures every section reads from a report's context: one financial item of a year, the
member contributions, the active participants, the equity guideline and the whole förbund's
cost per participant. Computed here once, used by the sections and by Året i korthet.
"""

from __future__ import annotations

import pandas as pd

from finsam_analysis.data import reference
from finsam_analysis.document.context import ReportContext, whole_year
from finsam_analysis.measures import costs, funding, health, trends


def whole_year_table(ctx: ReportContext, name: str) -> pd.DataFrame:
    """A table of this förbund, whole-year rows only; empty when the documents have none."""
    try:
        frame = ctx.tables.table(name)
    except (AttributeError, KeyError):  # a table this data set does not have
        frame = None
    return whole_year(frame) if frame is not None else pd.DataFrame()


def approx_word(frame: pd.DataFrame) -> str | None:
    """The approximation word ('ca', 'drygt', ...) the source prints with the rows' figure
    (column `approx`, where the data has it), or None for an exact figure."""
    if "approx" not in frame.columns:
        return None
    words = [str(w).strip() for w in frame["approx"] if pd.notna(w) and str(w).strip() not in ("", "False", "false")]
    return words[0] if words else None


def item_series(ctx: ReportContext, item: str) -> pd.DataFrame:
    """One financial item (utfall) per year: trends.item_series of the context, computed once."""
    return ctx.once(("item_series", item), lambda: trends.item_series(ctx.fin, item))


def item_value(ctx: ReportContext, item: str, year: int | None = None) -> float | None:
    """One figure of the financials for the report year (or `year`); None if not printed."""
    if ctx.fin.empty:
        return None
    series = item_series(ctx, item)
    row = series[series["year"] == (year or ctx.year)]
    return float(row["value_sek"].iloc[0]) if len(row) and pd.notna(row["value_sek"].iloc[0]) else None


def item_approx_word(ctx: ReportContext, item: str, year: int) -> str | None:
    fin = ctx.fin
    return approx_word(fin[(fin["item"] == item) & (fin["year"] == year)]) if not fin.empty else None


def contributions(ctx: ReportContext, year: int | None = None) -> float | None:
    """Member contributions of the year: the printed total, else the sum of the members."""
    value = item_value(ctx, "member_contribution_total", year)
    if value is None and not ctx.mc.empty:
        totals = funding.contribution_totals(ctx.fin, ctx.mc)
        hit = totals[totals["year"] == (year or ctx.year)]
        value = float(hit["contributions_sek"].iloc[0]) if len(hit) else None
    return value


def active_participants(ctx: ReportContext, year: int | None = None) -> float | None:
    """Participants active during the year in the whole förbund (the printed '*' total)."""
    parts = ctx.parts
    if parts.empty:
        return None
    row = parts[
        (parts["year"] == (year or ctx.year))
        & (parts["intervention"] == "*")
        & (parts["group"] == "*")
        & (parts["measure"] == "active")
        & (parts["gender"] == "total")
        & (parts["unit"] == "count")
    ]
    return float(row["value"].iloc[0]) if len(row) else None


def insatser_only(frame: pd.DataFrame, interventions: pd.DataFrame, column: str = "intervention") -> pd.DataFrame:
    """Rows of real insatser: no printed subtotal (kind `summa`) and no parent of others."""
    if frame.empty or interventions.empty:
        return frame
    leaves = set(costs.leaf_interventions(interventions)["intervention"])
    return frame[frame[column].isin(leaves)]


def equity_guideline(ctx: ReportContext) -> pd.DataFrame:
    """Equity against Nationella rådet's guideline, every year (health.equity_vs_guideline), once."""
    return ctx.once(
        "equity_vs_guideline", lambda: health.equity_vs_guideline(ctx.fin, ctx.mc, reference.load_equity_bands())
    )


def guideline(ctx: ReportContext) -> pd.DataFrame:
    if ctx.fin.empty:
        return pd.DataFrame()
    out = equity_guideline(ctx)
    return out[(out["year"] == ctx.year) & out["equity_sek"].notna()].reset_index(drop=True)


def whole_forbund_cost_per_participant(ctx: ReportContext) -> dict | None:
    """Individinriktade insatser / active participants of the whole förbund, for the report year."""
    return ctx.once("whole_forbund_cost_per_participant", lambda: _whole_forbund_cost_per_participant(ctx))


def _whole_forbund_cost_per_participant(ctx: ReportContext) -> dict | None:
    finance = whole_year_table(ctx, "intervention_finance")
    count = active_participants(ctx)
    if finance.empty or ctx.tables.interventions.empty or not count:
        return None
    total = costs.total_costs(finance[finance["basis"] == "utfall"], ctx.tables.interventions, kinds=("individ",))
    total = total[total["year"] == ctx.year]
    if total.empty or not total["value_sek"].iloc[0]:
        return None
    cost = -float(total["value_sek"].iloc[0])
    leaves = costs.leaf_interventions(ctx.tables.interventions)
    names = sorted(
        set(leaves.loc[leaves["kind"] == "individ", "intervention"])
        & set(finance.loc[(finance["year"] == ctx.year) & (finance["basis"] == "utfall"), "intervention"])
    )
    return {"cost_sek": cost, "participants": count, "per_participant_sek": cost / count, "insatser": names}
