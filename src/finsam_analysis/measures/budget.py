"""Budget against outcome (budget mot utfall) and forecast accuracy (prognossäkerhet)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from finsam_analysis.measures._frames import STATEMENT_PREFERENCE, one_per_key, pick_statement, ratio, require_columns

INTERVENTION_KEY = ["forbund", "year", "intervention", "measure"]
# intervention_finance measures that are amounts (deviation and cost_per_participant are
# figures derived by the document itself and are not compared here)
AMOUNT_MEASURES = ("cost", "income", "net", "allocation")
ITEM_KEY = ["forbund", "year", "item"]


def compare_to_plan(
    df: pd.DataFrame,
    keys: Sequence[str],
    planned_basis: str,
    value: str = "value_sek",
    keep_unplanned: bool = False,
) -> pd.DataFrame:
    """Actual (utfall) against a plan (budget or prognos) for the same keys.

    deviation = actual − planned (as the documents print "Avvikelse utfall − budget"); with
    costs negative, a positive deviation is favourable (lower cost or higher income).
    deviation_pct = deviation / |planned| × 100. Every planned key is kept; one without an
    utfall gets NaN and reason 'no utfall'. Utfall without a plan is left out unless
    keep_unplanned (then reason 'no budget'/'no prognos'). Columns: keys..., planned_basis,
    planned_sek, actual_sek, deviation_sek, deviation_pct, reason.
    """
    keys = list(keys)
    require_columns(df, [*keys, "basis", value], f"compare_to_plan({planned_basis})")
    what = f"compare_to_plan({planned_basis})"
    cols = [*keys, value, *(["unit"] if "unit" in df.columns else [])]
    planned = one_per_key(df.loc[df["basis"] == planned_basis, cols], keys, value, what + " planned")[[*keys, value]]
    actual = one_per_key(df.loc[df["basis"] == "utfall", cols], keys, value, what + " utfall")[[*keys, value]]
    out = planned.rename(columns={value: "planned_sek"}).merge(
        actual.rename(columns={value: "actual_sek"}), on=keys, how="outer" if keep_unplanned else "left"
    )
    out = out.astype({"planned_sek": "float64", "actual_sek": "float64"})
    out.insert(len(keys), "planned_basis", planned_basis)
    out["deviation_sek"] = out["actual_sek"] - out["planned_sek"]
    out["deviation_pct"] = ratio(out["deviation_sek"], out["planned_sek"].abs(), 100)
    reason = np.select(
        [out["planned_sek"].isna(), out["actual_sek"].isna()], [f"no {planned_basis}", "no utfall"], default=None
    )
    out["reason"] = pd.Series(reason, index=out.index, dtype="str")
    return out.sort_values(keys, ignore_index=True)


def budget_vs_outcome(
    intervention_finance: pd.DataFrame, measures: Sequence[str] = AMOUNT_MEASURES, keep_unplanned: bool = False
) -> pd.DataFrame:
    """Budget against outcome per insats (budget mot utfall per insats).

    sv: avvikelse = utfall − budget (kr och i % av |budget|), per insats och mått (kostnad,
        netto ...); positiv avvikelse är gynnsam eftersom kostnader är negativa.
    en: deviation = actual − budget (kronor and % of |budget|) per intervention and measure;
        positive is favourable because costs are negative.

    Budget and outcome may come from different documents (Halland: budget 2024 in the board
    minutes, utfall 2024 in the annual report 2025); they are matched by förbund, year,
    intervention name and measure, so names must be the canonical ones. Printed totals are
    interventions of their own (e.g. 'Totalt'). Only the measures in `measures` are compared
    (printed deviations and costs per participant are not amounts to budget).
    Columns: see compare_to_plan().
    """
    require_columns(intervention_finance, [*INTERVENTION_KEY, "basis", "value_sek"], "budget_vs_outcome")
    rows = intervention_finance.loc[intervention_finance["measure"].isin(list(measures))]
    return compare_to_plan(rows, INTERVENTION_KEY, "budget", keep_unplanned=keep_unplanned)


def _items(financials: pd.DataFrame, items: Sequence[str] | None, statements: Sequence[str]) -> pd.DataFrame:
    require_columns(financials, [*ITEM_KEY, "basis", "statement", "value_sek"], "financials")
    rows = financials if items is None else financials.loc[financials["item"].isin(list(items))]
    rows = rows.loc[rows["value_sek"].notna()]
    return pick_statement(rows, [*ITEM_KEY, "basis"], statements)


def budget_vs_outcome_items(
    financials: pd.DataFrame,
    items: Sequence[str] | None = ("operating_income", "operating_costs", "net_result"),
    statements: Sequence[str] = STATEMENT_PREFERENCE,
) -> pd.DataFrame:
    """Budget against outcome for whole-förbund items (budget mot utfall totalt).

    Same definition as budget_vs_outcome(), on financials items (e.g. operating_costs,
    net_result). Per basis, the most detailed statement is used. Columns: see compare_to_plan().
    """
    return compare_to_plan(_items(financials, items, statements), ITEM_KEY, "budget")


def forecast_accuracy(
    df: pd.DataFrame,
    keys: Sequence[str] = ITEM_KEY,
    items: Sequence[str] | None = ("operating_income", "operating_costs", "net_result"),
    statements: Sequence[str] = STATEMENT_PREFERENCE,
) -> pd.DataFrame:
    """Forecast against outcome (prognossäkerhet): how far the forecast was from the actual.

    sv: prognosfel = utfall − prognos; relativt fel = prognosfel / |prognos| × 100;
        absolut relativt fel = |relativt fel| (0 = träffsäker prognos).
    en: forecast error = actual − forecast; relative error = error / |forecast| × 100;
        absolute percentage error = |relative error| (0 = spot on).

    `df` is financials (keys forbund, year, item; `items` filters) or intervention_finance
    (pass keys=("forbund", "year", "intervention", "measure") and items=None).
    Columns: keys..., planned_basis ('prognos'), planned_sek, actual_sek, deviation_sek,
    deviation_pct, abs_pct_error, reason.
    """
    keys = list(keys)
    if "item" in keys:
        rows = _items(df, items, statements)
    elif "measure" in keys:
        rows = df.loc[df["measure"].isin(AMOUNT_MEASURES)]
    else:
        rows = df
    out = compare_to_plan(rows, keys, "prognos")
    out.insert(out.columns.get_loc("deviation_pct") + 1, "abs_pct_error", out["deviation_pct"].abs())
    return out
