"""Budget against outcome and forecast accuracy (hand-made frames)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as tm
import pytest

from finsam_analysis.measures import MeasureError, budget_vs_outcome, budget_vs_outcome_items, forecast_accuracy


def finance(rows):
    """rows: (document, year, basis, intervention, measure, value_sek)."""
    return pd.DataFrame(
        [("h", *r) for r in rows],
        columns=["forbund", "document", "year", "basis", "intervention", "measure", "value_sek"],
    )


def financials(rows):
    """rows: (document, statement, year, basis, item, value_sek)."""
    return pd.DataFrame(
        [("h", *r) for r in rows], columns=["forbund", "document", "statement", "year", "basis", "item", "value_sek"]
    )


AR, MIN = "arsredovisning-2025", "protokoll-2023-12-15"


def test_budget_vs_outcome_exact():
    # Sydnärke 2024 driftredovisning: Samordningsteam netto -2 968 892 against budget -2 782 952
    df = finance(
        [
            (AR, 2024, "utfall", "Samordningsteamet", "net", -2_968_892.0),
            (AR, 2024, "budget", "Samordningsteamet", "net", -2_782_952.0),
            (AR, 2024, "utfall", "Samordningsteamet", "deviation", -185_940.0),
        ]
    )
    expected = pd.DataFrame(
        {
            "forbund": ["h"],
            "year": [2024],
            "intervention": ["Samordningsteamet"],
            "measure": ["net"],
            "planned_basis": ["budget"],
            "planned_sek": [-2_782_952.0],
            "actual_sek": [-2_968_892.0],
            "deviation_sek": [-185_940.0],
            "deviation_pct": [-185_940 / 2_782_952 * 100],
            "reason": [None],
        }
    ).astype({c: "str" for c in ["forbund", "intervention", "measure", "planned_basis", "reason"]})
    tm.assert_frame_equal(budget_vs_outcome(df), expected)


def test_budget_and_outcome_from_different_documents():
    # Halland: budget 2024 in the minutes, utfall 2024 in the annual report 2025
    df = finance(
        [
            (MIN, 2024, "budget", "IST Laholm", "cost", -946_579.0),
            (AR, 2024, "utfall", "IST Laholm", "cost", -925_995.0),
        ]
    )
    row = budget_vs_outcome(df).iloc[0]
    assert row["deviation_sek"] == 20_584.0 and row["deviation_pct"] == pytest.approx(20_584 / 946_579 * 100)


@pytest.mark.parametrize(
    "rows, reason",
    [([(AR, 2024, "utfall", "A", "net", -1.0)], "no budget"), ([(AR, 2024, "budget", "A", "net", -1.0)], "no utfall")],
)
def test_one_side_missing(rows, reason):
    out = budget_vs_outcome(finance(rows), keep_unplanned=True)
    assert np.isnan(out["deviation_sek"].iloc[0]) and out["reason"].iloc[0] == reason


def test_utfall_without_plan_left_out_by_default():
    assert budget_vs_outcome(finance([(AR, 2024, "utfall", "A", "net", -1.0)])).empty


def test_zero_budget():
    out = budget_vs_outcome(finance([(AR, 2024, "utfall", "A", "net", -10.0), (AR, 2024, "budget", "A", "net", 0.0)]))
    assert out["deviation_sek"].iloc[0] == -10.0 and np.isnan(out["deviation_pct"].iloc[0])


def test_conflicting_budgets_refused():
    df = finance([(MIN, 2024, "budget", "A", "net", -1.0), (AR, 2024, "budget", "A", "net", -2.0)])
    with pytest.raises(MeasureError, match="different figures"):
        budget_vs_outcome(df)


def test_items_total_prefers_detailed_statement():
    df = financials(
        [
            (AR, "income_statement", 2024, "utfall", "operating_costs", -19_326_037.0),
            (AR, "overview", 2024, "utfall", "operating_costs", -19_326_000.0),
            (MIN, "budget", 2024, "budget", "operating_costs", -20_415_204.0),
            (AR, "income_statement", 2024, "utfall", "net_result", -202_244.0),
            (MIN, "budget", 2024, "budget", "net_result", -1_357_204.0),
        ]
    )
    out = budget_vs_outcome_items(df).set_index("item")
    assert out.loc["operating_costs", "deviation_sek"] == 1_089_167.0
    assert out.loc["net_result", "deviation_sek"] == 1_154_960.0


def test_forecast_accuracy_exact():
    df = financials(
        [
            (MIN, "budget", 2023, "prognos", "net_result", -1_650_364.0),
            (AR, "overview", 2023, "utfall", "net_result", -2_812_499.0),
            (MIN, "budget", 2023, "prognos", "operating_income", 19_722_200.0),
            (AR, "overview", 2023, "utfall", "operating_income", 19_847_560.0),
        ]
    )
    out = forecast_accuracy(df)
    assert out["item"].tolist() == ["net_result", "operating_income"]
    assert out["deviation_sek"].tolist() == [-1_162_135.0, 125_360.0]
    assert out["abs_pct_error"].tolist() == pytest.approx([1_162_135 / 1_650_364 * 100, 125_360 / 19_722_200 * 100])
    assert (out["planned_basis"] == "prognos").all()


def test_forecast_accuracy_per_intervention():
    df = finance([(MIN, 2023, "prognos", "A", "cost", -100.0), (AR, 2023, "utfall", "A", "cost", -110.0)])
    out = forecast_accuracy(df, keys=("forbund", "year", "intervention", "measure"), items=None)
    assert out["deviation_pct"].iloc[0] == -10.0 and out["abs_pct_error"].iloc[0] == 10.0


def test_empty():
    assert budget_vs_outcome(finance([])).empty
    assert forecast_accuracy(financials([])).empty
