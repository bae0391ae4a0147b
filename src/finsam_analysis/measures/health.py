"""Financial health (ekonomisk ställning): balanskrav, equity ratio, equity against Nationella rådet's guideline."""

from __future__ import annotations

import numpy as np
import pandas as pd

from finsam_analysis.measures._frames import MeasureError, ratio, require_columns
from finsam_analysis.measures.funding import contribution_totals
from finsam_analysis.measures.trends import item_series

YEAR_KEY = ["forbund", "year"]


def _item(financials: pd.DataFrame, item: str, name: str, basis: str = "utfall") -> pd.DataFrame:
    return item_series(financials, item, basis)[[*YEAR_KEY, "value_sek"]].rename(columns={"value_sek": name})


def _printed_pct(financials: pd.DataFrame, item: str, name: str) -> pd.DataFrame:
    """A printed percentage item (unit pct, in `value`) per förbund and year; empty if not curated."""
    if "value" not in financials.columns:
        return pd.DataFrame(
            {"forbund": pd.Series(dtype="str"), "year": pd.Series(dtype="int64"), name: pd.Series(dtype="float64")}
        )
    series = item_series(financials, item, value="value")
    return series[[*YEAR_KEY, "value"]].rename(columns={"value": name})


def balance_requirement(financials: pd.DataFrame, adjustments: pd.DataFrame | None = None) -> pd.DataFrame:
    """Balanskravsresultat: the year's result adjusted for realised and unrealised gains.

    sv: balanskravsresultat = årets resultat − samtliga realisationsvinster + vinster och
        förluster enligt undantagsmöjlighet ± orealiserade vinster/förluster i värdepapper.
        Balanskravet är uppfyllt när resultatet är ≥ 0.
    en: balance-requirement result = net result − realised gains ± the permitted exceptions
        and unrealised gains/losses on securities; the requirement is met when it is ≥ 0.

    None of the seed förbund has any adjustment, so by default the result equals the net
    result; pass `adjustments` (forbund, year, value_sek, signed as they change the result)
    otherwise. The printed balance_requirement_result, where curated, is shown beside it.
    Columns: forbund, year, net_result_sek, adjustments_sek, balance_requirement_result_sek,
    printed_sek, difference_sek, requirement_met.
    """
    out = _item(financials, "net_result", "net_result_sek")
    if adjustments is not None and len(adjustments):
        require_columns(adjustments, [*YEAR_KEY, "value_sek"], "balance_requirement adjustments")
        adj = adjustments.groupby(YEAR_KEY, as_index=False)["value_sek"].sum()
        out = out.merge(adj.rename(columns={"value_sek": "adjustments_sek"}), on=YEAR_KEY, how="left")
        out["adjustments_sek"] = out["adjustments_sek"].fillna(0.0)
    else:
        out["adjustments_sek"] = 0.0
    out["balance_requirement_result_sek"] = out["net_result_sek"] + out["adjustments_sek"]
    printed = _item(financials, "balance_requirement_result", "printed_sek")
    out = out.merge(printed, on=YEAR_KEY, how="left")
    out["difference_sek"] = out["balance_requirement_result_sek"] - out["printed_sek"]
    out["requirement_met"] = out["balance_requirement_result_sek"] >= 0
    return out.reset_index(drop=True)


def equity_ratio(financials: pd.DataFrame) -> pd.DataFrame:
    """Soliditet: equity as a share of total assets.

    sv: soliditet = eget kapital / summa tillgångar × 100 (vid årets slut).
    en: equity ratio = equity / total assets × 100 (at year end).

    The printed equity_ratio (pct), where curated, is shown beside it.
    Columns: forbund, year, equity_sek, total_assets_sek, equity_ratio_pct, printed_pct.
    """
    equity = _item(financials, "equity", "equity_sek")
    assets = _item(financials, "total_assets", "total_assets_sek")
    out = equity.merge(assets, on=YEAR_KEY, how="outer")
    out["equity_ratio_pct"] = ratio(out["equity_sek"], out["total_assets_sek"], 100)
    out = out.merge(_printed_pct(financials, "equity_ratio", "printed_pct"), on=YEAR_KEY, how="left")
    return out.astype({"printed_pct": "float64"}).sort_values(YEAR_KEY, ignore_index=True)


def guideline_cap(contributions_sek: float, bands: pd.DataFrame) -> float:
    """Highest equity Nationella rådet's guideline recommends for given member contributions.

    sv: rekommenderat tak för eget kapital = Σ band marginalandel × den del av
        medlemsbidragen som ligger inom bandet (trappa: 20 % av de första 7 Mkr, 15 % av
        7–15 Mkr, 10 % därutöver). 18 022 tkr -> 1 400 + 1 200 + 302,2 = 2 902,2 tkr.
    en: equity cap = Σ over bands of marginal share × the part of the contributions within
        the band (stepped like tax brackets). Bands: reference.load_equity_bands().
    """
    require_columns(bands, ["lower_sek", "upper_sek", "marginal_share"], "equity bands")
    if contributions_sek is None or np.isnan(contributions_sek):
        return np.nan
    if contributions_sek < 0:
        raise MeasureError(f"guideline_cap: member contributions must not be negative ({contributions_sek})")
    upper = bands["upper_sek"].fillna(np.inf).to_numpy(dtype="float64")
    lower = bands["lower_sek"].to_numpy(dtype="float64")
    within = np.clip(contributions_sek - lower, 0, upper - lower)
    return float((within * bands["marginal_share"].to_numpy(dtype="float64")).sum())


def equity_vs_guideline(
    financials: pd.DataFrame, member_contributions: pd.DataFrame, bands: pd.DataFrame
) -> pd.DataFrame:
    """Equity against Nationella rådet's guideline (eget kapital mot rekommenderad nivå).

    sv: tak = guideline_cap(årets medlemsbidrag); eget kapital i % av medlemsbidragen =
        eget kapital / medlemsbidrag × 100 (Sydnärke 2024: 1 001 433 / 4 720 000 = 21,2 %
        mot taket 20 %); överskott = eget kapital − tak.
    en: cap = guideline_cap(the year's member contributions); equity as % of contributions
        = equity / contributions × 100; excess = equity − cap (positive = above the guideline).

    Contributions: funding.contribution_totals(); equity: the year-end equity item.
    Printed figures, where curated (equity_guideline_cap, equity_share_of_contributions),
    are shown beside the computed ones. Columns: forbund, year, contributions_sek,
    contributions_source, cap_sek, cap_pct_of_contributions, equity_sek,
    equity_pct_of_contributions, excess_sek, above_cap, printed_cap_sek, printed_equity_pct.
    """
    contributions = contribution_totals(financials, member_contributions)
    equity = _item(financials, "equity", "equity_sek")
    out = contributions.merge(equity, on=YEAR_KEY, how="outer")
    out["cap_sek"] = [guideline_cap(c, bands) for c in out["contributions_sek"].astype("float64")]
    out["cap_pct_of_contributions"] = ratio(out["cap_sek"], out["contributions_sek"], 100)
    out["equity_pct_of_contributions"] = ratio(out["equity_sek"], out["contributions_sek"], 100)
    out["excess_sek"] = out["equity_sek"] - out["cap_sek"]
    out["above_cap"] = pd.array(np.where(out["excess_sek"].isna(), pd.NA, out["excess_sek"] > 0), dtype="boolean")
    out = out.merge(_item(financials, "equity_guideline_cap", "printed_cap_sek"), on=YEAR_KEY, how="left")
    out = out.merge(
        _printed_pct(financials, "equity_share_of_contributions", "printed_equity_pct"), on=YEAR_KEY, how="left"
    )
    return out.astype({"printed_cap_sek": "float64", "printed_equity_pct": "float64"}).sort_values(
        YEAR_KEY, ignore_index=True
    )
