"""Side by side: the same key figures for every förbund in its latest outcome year.

For the exploration notebook notebooks/jamforelse.ipynb: an analyst's first question is how
the förbund compare in size, result, equity against the guideline and administration.
"""
from __future__ import annotations

import pandas as pd

from finsam_analysis.data import reference
from finsam_analysis.data.build import Tables
from finsam_analysis.measures import costs, funding, health, trends
from finsam_analysis.data.precedence import preferred_table

COLUMNS = [
    "forbund", "name", "year", "contributions_sek", "operating_costs_sek", "net_result_sek",
    "equity_sek", "equity_cap_sek", "equity_pct_of_contributions", "admin_share_pct",
]


def latest_outcome_year(financials: pd.DataFrame) -> pd.DataFrame:
    """The latest year with outcome (utfall) figures, per förbund."""
    utfall = financials[financials["basis"] == "utfall"]
    return utfall.groupby("forbund", as_index=False)["year"].max()


def key_figures(tables: Tables) -> pd.DataFrame:
    """One row per förbund: contributions, costs, result, equity vs cap, admin share (latest year).

    Costs are shown as positive amounts. A figure a förbund's documents do not give is NaN.
    """
    fin = preferred_table(tables, "financials")
    members = preferred_table(tables, "member_contributions")
    years = latest_outcome_year(fin)
    out = years.merge(tables.forbund[["forbund", "name"]], on="forbund", how="left")
    for item, column, sign in (("operating_costs", "operating_costs_sek", -1), ("net_result", "net_result_sek", 1)):
        series = trends.item_series(fin, item)[["forbund", "year", "value_sek"]]
        out = out.merge(series.assign(value_sek=series["value_sek"] * sign).rename(columns={"value_sek": column}), on=["forbund", "year"], how="left")
    guide = health.equity_vs_guideline(fin, members, reference.load_equity_bands())
    guide = guide.rename(columns={"cap_sek": "equity_cap_sek"})[["forbund", "year", "contributions_sek", "equity_sek", "equity_cap_sek", "equity_pct_of_contributions"]]
    out = out.merge(guide, on=["forbund", "year"], how="left")
    admin = costs.admin_share(costs.cost_structure(tables.intervention_finance, tables.interventions))
    out = out.merge(admin[["forbund", "year", "admin_share_pct"]], on=["forbund", "year"], how="left")
    return out[COLUMNS].sort_values("forbund", ignore_index=True)


def display_table(figures: pd.DataFrame) -> pd.DataFrame:
    """Swedish headers and number format, one row per förbund."""
    from finsam_analysis.document import fmt, labels

    item = labels.labels("items")
    money = {"contributions_sek": item["member_contribution_total"], "operating_costs_sek": item["operating_costs"], "net_result_sek": item["net_result"], "equity_sek": "Eget kapital", "equity_cap_sek": "Riktvärde eget kapital"}
    out = pd.DataFrame({"Förbund": figures["name"], "År": figures["year"].astype(str)})
    for column, label in money.items():
        out[label] = figures[column].map(fmt.tkr)
    out["Eget kapital i % av bidragen"] = figures["equity_pct_of_contributions"].map(fmt.percent)
    out["Administrationens andel"] = figures["admin_share_pct"].map(fmt.percent)
    return out.set_index("Förbund")
