"""Trends: item series, year-over-year change, CAGR, fixed prices (hand-made frames)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as tm
import pytest

from finsam_analysis.measures import MeasureError, cagr, item_series, nominal_and_real, to_fixed_prices, year_over_year

INDEX = pd.DataFrame({"year": [2022, 2023, 2024], "kpi_1980_100": [100.0, 110.0, 125.0]})


def financials(rows):
    """rows: (forbund, year, item, value_sek, statement[, basis[, document]])."""
    full = [(r + ("utfall",) if len(r) == 5 else r) for r in rows]
    full = [(r + ("arsredovisning-2024",) if len(r) == 6 else r) for r in full]
    return pd.DataFrame(full, columns=["forbund", "year", "item", "value_sek", "statement", "basis", "document"])


def series(values, forbund="a", value="value_sek"):
    years, vals = zip(*values.items()) if values else ((), ())
    return pd.DataFrame(
        {
            "forbund": pd.Series([forbund] * len(years), dtype="str"),
            "year": pd.Series(years, dtype="int64"),
            value: pd.Series(vals, dtype="float64"),
        }
    )


class TestItemSeries:
    def test_prefers_income_statement_over_overview(self):
        df = financials(
            [
                ("a", 2024, "member_contribution_total", 18022000.0, "overview"),
                ("a", 2024, "member_contribution_total", 18022000.0, "income_statement"),
                ("a", 2023, "member_contribution_total", 19011000.0, "overview"),
                ("a", 2024, "net_result", 246185.14, "income_statement"),
            ]
        )
        out = item_series(df, "member_contribution_total")
        assert out[["year", "statement", "value_sek"]].to_dict("list") == {
            "year": [2023, 2024],
            "statement": ["overview", "income_statement"],
            "value_sek": [19011000.0, 18022000.0],
        }

    def test_basis_filter(self):
        df = financials(
            [("a", 2024, "net_result", 1.0, "income_statement"), ("a", 2024, "net_result", -5.0, "budget", "budget")]
        )
        assert item_series(df, "net_result", basis="budget")["value_sek"].tolist() == [-5.0]

    def test_two_documents_disagreeing_raise(self):
        df = financials(
            [
                ("a", 2023, "net_result", 1.0, "overview", "utfall", "arsredovisning-2023"),
                ("a", 2023, "net_result", 2.0, "overview", "utfall", "arsredovisning-2024"),
            ]
        )
        with pytest.raises(MeasureError, match="different figures.*precedence.preferred"):
            item_series(df, "net_result")

    def test_same_figure_in_two_sections_is_fine(self):
        df = financials([("a", 2023, "net_result", 1.0, "text"), ("a", 2023, "net_result", 1.0, "text")])
        assert len(item_series(df, "net_result")) == 1

    def test_missing_column(self):
        with pytest.raises(MeasureError, match=r"missing column\(s\) \['statement'\]"):
            item_series(pd.DataFrame({"forbund": [], "year": [], "basis": [], "item": [], "value_sek": []}), "x")

    def test_empty(self):
        out = item_series(financials([]), "net_result")
        assert out.empty and list(out.columns) == [
            "forbund",
            "year",
            "item",
            "basis",
            "statement",
            "document",
            "value_sek",
        ]


class TestYearOverYear:
    def test_exact(self):
        out = year_over_year(series({2022: 100.0, 2023: 110.0, 2024: 99.0}))
        expected = series({2022: 100.0, 2023: 110.0, 2024: 99.0}).assign(
            previous_value=[np.nan, 100.0, 110.0], change=[np.nan, 10.0, -11.0], change_pct=[np.nan, 10.0, -10.0]
        )
        tm.assert_frame_equal(out, expected)

    def test_missing_year_is_not_bridged(self):
        out = year_over_year(series({2020: 100.0, 2022: 130.0}))
        assert out["change"].isna().all()

    @pytest.mark.parametrize(
        "prev, cur, change_pct",
        [
            (-100.0, -120.0, -20.0),  # cost grew by 20 %: change is -20 kr, i.e. -20 % of |prev|
            (-100.0, -80.0, 20.0),
            (0.0, 50.0, np.nan),
        ],
    )
    def test_signs_and_zero(self, prev, cur, change_pct):
        out = year_over_year(series({2023: prev, 2024: cur}))
        assert out["change_pct"].iloc[1] == pytest.approx(change_pct, nan_ok=True)

    def test_per_forbund(self):
        df = pd.concat([series({2023: 1.0, 2024: 2.0}, "a"), series({2024: 5.0}, "b")], ignore_index=True)
        out = year_over_year(df)
        assert out["change"].tolist() == pytest.approx([np.nan, 1.0, np.nan], nan_ok=True)

    def test_empty(self):
        out = year_over_year(series({}))
        assert out.empty and {"previous_value", "change", "change_pct"} <= set(out.columns)


class TestCagr:
    def test_exact(self):
        out = cagr(series({2020: 100.0, 2021: 105.0, 2022: 121.0}))
        expected = pd.DataFrame(
            {
                "forbund": ["a"],
                "start_year": [2020],
                "end_year": [2022],
                "start_value": [100.0],
                "end_value": [121.0],
                "cagr_pct": [10.0],
                "reason": [None],
            }
        ).astype({"forbund": "str", "reason": "str"})
        tm.assert_frame_equal(out, expected)

    def test_negative_costs_grow(self):
        out = cagr(series({2020: -100.0, 2022: -121.0}))
        assert out["cagr_pct"].iloc[0] == pytest.approx(10.0)

    @pytest.mark.parametrize(
        "values, start, end, reason",
        [
            ({2020: 0.0, 2022: 5.0}, None, None, "non-zero and of the same sign"),
            ({2020: -1.0, 2022: 5.0}, None, None, "non-zero and of the same sign"),
            ({2022: 5.0}, None, None, "needs two different years"),
            ({2020: 1.0, 2022: 5.0}, 2019, None, "no figure for 2019"),
            ({2020: 1.0, 2022: 5.0}, None, 2023, "no figure for 2023"),
        ],
    )
    def test_undefined(self, values, start, end, reason):
        out = cagr(series(values), start_year=start, end_year=end)
        assert np.isnan(out["cagr_pct"].iloc[0])
        assert reason in out["reason"].iloc[0]

    def test_chosen_span(self):
        out = cagr(series({2019: 1.0, 2020: 100.0, 2021: 110.0}), start_year=2020, end_year=2021)
        assert out["cagr_pct"].iloc[0] == pytest.approx(10.0)

    def test_empty(self):
        assert cagr(series({})).empty


class TestFixedPrices:
    def test_exact(self):
        out = to_fixed_prices(series({2022: 100.0, 2024: 100.0}), INDEX, base_year=2024)
        expected = series({2022: 100.0, 2024: 100.0}).assign(
            value_fixed_sek=[125.0, 100.0], deflator=[1.25, 1.0], price_base_year=2024
        )
        tm.assert_frame_equal(out, expected)

    def test_other_base_year_and_column(self):
        out = to_fixed_prices(series({2024: 125.0}, value="value"), INDEX, base_year=2022, value="value")
        assert out["value_fixed"].tolist() == [100.0]

    def test_missing_year(self):
        with pytest.raises(MeasureError, match=r"no figure for year\(s\) \[2021\]; it covers 2022-2024"):
            to_fixed_prices(series({2021: 1.0}), INDEX, base_year=2024)

    def test_missing_year_degrades_only_that_year(self):
        from finsam_analysis.measures.prices import uncovered_years

        frame = series({2021: 1.0, 2022: 100.0})
        out = to_fixed_prices(frame, INDEX, base_year=2024, missing="nan")
        assert out["value_fixed_sek"].isna().tolist() == [True, False]
        assert out["value_fixed_sek"].iloc[1] == pytest.approx(125.0)
        assert uncovered_years(frame, INDEX) == [2021]
        real = nominal_and_real(frame, INDEX, 2024, missing="nan")
        assert real["value_sek"].tolist() == [1.0, 100.0]  # nominal figures and change are kept
        assert real["change_pct"].iloc[1] == pytest.approx(9900.0) and pd.isna(real["real_change_pct"].iloc[1])

    def test_default_base_year_is_the_nearest_covered(self):
        from finsam_analysis.measures.prices import base_year_for

        assert [base_year_for(y, INDEX) for y in (2023, 2031, 2010)] == [2023, 2024, 2022]

    def test_missing_base_year(self):
        with pytest.raises(MeasureError, match="no figure for base year 2030"):
            to_fixed_prices(series({2022: 1.0}), INDEX, base_year=2030)

    def test_index_shape(self):
        with pytest.raises(MeasureError, match="one level column"):
            to_fixed_prices(series({2022: 1.0}), INDEX.assign(extra=1), base_year=2022)

    def test_empty(self):
        out = to_fixed_prices(series({}), INDEX, base_year=2024)
        assert out.empty and "value_fixed_sek" in out.columns

    def test_nominal_and_real(self):
        out = nominal_and_real(series({2022: 100.0, 2023: 100.0, 2024: 110.0}), INDEX, base_year=2024)
        # 2023: 100 x 125/110 = 113.64; flat nominal with 10 % inflation is a real fall of 9.09 %
        assert out["value_fixed_sek"].tolist() == pytest.approx([125.0, 113.636364, 110.0])
        assert out["change_pct"].tolist() == pytest.approx([np.nan, 0.0, 10.0], nan_ok=True)
        assert out["real_change_pct"].tolist() == pytest.approx([np.nan, -9.090909, -3.2], nan_ok=True)
