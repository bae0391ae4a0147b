"""Member funding (medlemsbidrag): totals, shares per member kind against the law, kommun split."""

from __future__ import annotations

import numpy as np
import pandas as pd

from finsam_analysis.measures._frames import one_per_key, pick_statement, ratio, require_columns

# Law (2003:1210) 5 §: staten 1/2, the region 1/4, the kommuner together 1/4.
LAW_SHARES_PCT = {"staten": 50.0, "region": 25.0, "kommun": 25.0}
MEMBER_KEY = ["forbund", "year", "basis", "member"]


def _members(member_contributions: pd.DataFrame, basis: str) -> pd.DataFrame:
    require_columns(
        member_contributions, ["forbund", "year", "basis", "member", "member_kind", "value_sek"], "member_contributions"
    )
    rows = member_contributions.loc[(member_contributions["basis"] == basis) & (member_contributions["member"] != "*")]
    return one_per_key(rows, MEMBER_KEY, "value_sek", "member_contributions")


def contribution_totals(
    financials: pd.DataFrame, member_contributions: pd.DataFrame, basis: str = "utfall"
) -> pd.DataFrame:
    """Total member contributions per förbund and year (medlemsbidrag totalt).

    sv: medlemsbidragen totalt: posten member_contribution_total om den är tryckt, annars
        den tryckta summan över medlemmar ('*'), annars summan av medlemmarnas bidrag.
    en: total member contributions: the item member_contribution_total where printed, else
        the printed all-members row ('*'), else the sum over members.

    Columns: forbund, year, contributions_sek, contributions_source.
    """
    require_columns(financials, ["forbund", "year", "basis", "item", "statement", "value_sek"], "financials")
    item = financials.loc[(financials["item"] == "member_contribution_total") & (financials["basis"] == basis)]
    item = pick_statement(item, ["forbund", "year"])
    item = one_per_key(item, ["forbund", "year"], "value_sek", "member_contribution_total")
    item = item[["forbund", "year", "value_sek"]].assign(contributions_source="member_contribution_total")
    mc = member_contributions.loc[member_contributions["basis"] == basis]
    star = mc.loc[(mc["member"] == "*") & (mc["member_kind"] == "*")]  # the grand total, not a kind subtotal
    star = one_per_key(star, ["forbund", "year"], "value_sek", "member_contributions '*'")
    star = star[["forbund", "year", "value_sek"]].assign(contributions_source="member_contributions '*'")
    summed = _members(member_contributions, basis).groupby(["forbund", "year"], as_index=False)["value_sek"].sum()
    summed = summed.assign(contributions_source="sum of members")
    out = pd.concat([item, star, summed], ignore_index=True).drop_duplicates(["forbund", "year"], keep="first")
    out = out.rename(columns={"value_sek": "contributions_sek"}).astype(
        {"forbund": "str", "year": "int64", "contributions_sek": "float64", "contributions_source": "str"}
    )
    return out.sort_values(["forbund", "year"], ignore_index=True)


def funding_shares(member_contributions: pd.DataFrame, basis: str = "utfall") -> pd.DataFrame:
    """Each member kind's share of the contributions against the law (finansieringsandelar).

    sv: andel = bidrag från medlemstypen (staten, region, kommunerna) / summa bidrag × 100,
        jämfört med lagens 1/2, 1/4, 1/4 (lag 2003:1210, 5 §).
    en: share = contributions of the member kind (state, region, municipalities) / total
        contributions × 100, against the law's 1/2, 1/4, 1/4.

    The total is the sum over members (the '*' row is not used). Columns: forbund, year,
    member_kind, value_sek, total_sek, share_pct, law_share_pct, deviation_pp.
    """
    rows = _members(member_contributions, basis)
    out = rows.groupby(["forbund", "year", "member_kind"], as_index=False)["value_sek"].sum()
    out["total_sek"] = out.groupby(["forbund", "year"])["value_sek"].transform("sum")
    out["share_pct"] = ratio(out["value_sek"], out["total_sek"], 100)
    out["law_share_pct"] = out["member_kind"].map(LAW_SHARES_PCT).astype("float64")
    out["deviation_pp"] = out["share_pct"] - out["law_share_pct"]
    order = {k: i for i, k in enumerate(LAW_SHARES_PCT)}
    out = out.assign(_o=out["member_kind"].map(order)).sort_values(["forbund", "year", "_o"]).drop(columns="_o")
    return out.astype({"year": "int64", "value_sek": "float64", "total_sek": "float64"}).reset_index(drop=True)


def kommun_split(member_contributions: pd.DataFrame, basis: str = "utfall") -> pd.DataFrame:
    """How the kommun quarter is split between the member kommuner (kommunernas fördelning).

    sv: andel av totalen = kommunens bidrag / alla medlemmars bidrag × 100; andel av
        kommundelen = kommunens bidrag / kommunernas sammanlagda bidrag × 100. Jämförs med
        den tryckta andelen (share_pct i data, oftast andel av totalen).
    en: share of total = the kommun's contribution / all members' contributions × 100;
        share of the kommun part = its contribution / all kommuner's contributions × 100;
        compared with the printed share (usually of the total).

    Columns: forbund, year, member, value_sek, share_of_total_pct, share_of_kommun_part_pct,
    printed_share_pct, difference_pp (share_of_total_pct − printed).
    """
    rows = _members(member_contributions, basis)
    total = rows.groupby(["forbund", "year"])["value_sek"].transform("sum")
    kommuner = rows.loc[rows["member_kind"] == "kommun"].copy()
    kommuner["share_of_total_pct"] = ratio(kommuner["value_sek"], total.loc[kommuner.index], 100)
    part = kommuner.groupby(["forbund", "year"])["value_sek"].transform("sum")
    kommuner["share_of_kommun_part_pct"] = ratio(kommuner["value_sek"], part, 100)
    printed = kommuner["share_pct"] if "share_pct" in kommuner.columns else pd.Series(np.nan, index=kommuner.index)
    kommuner["printed_share_pct"] = pd.to_numeric(printed, errors="coerce").astype("float64")
    kommuner["difference_pp"] = kommuner["share_of_total_pct"] - kommuner["printed_share_pct"]
    cols = [
        "forbund",
        "year",
        "member",
        "value_sek",
        "share_of_total_pct",
        "share_of_kommun_part_pct",
        "printed_share_pct",
        "difference_pp",
    ]
    return (
        kommuner[cols]
        .astype({"year": "int64", "value_sek": "float64"})
        .sort_values(["forbund", "year", "member"], ignore_index=True)
    )
