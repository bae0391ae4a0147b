"""Financial health: balanskrav, equity ratio, equity against the guideline (hand-made frames)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as tm
import pytest

from finsam_analysis.measures import (
    MeasureError,
    balance_requirement,
    equity_ratio,
    equity_vs_guideline,
    guideline_cap,
)

BANDS = pd.DataFrame(
    {"lower_sek": [0.0, 7e6, 15e6], "upper_sek": [7e6, 15e6, np.nan], "marginal_share": [0.20, 0.15, 0.10]}
)


def financials(rows):
    """rows: (forbund, year, statement, item, value_sek, value)."""
    return pd.DataFrame(
        [(f, "arsredovisning-2024", y, "utfall", s, i, vs, v) for f, y, s, i, vs, v in rows],
        columns=["forbund", "document", "year", "basis", "statement", "item", "value_sek", "value"],
    )


def money(forbund, year, statement, item, kronor):
    return (forbund, year, statement, item, float(kronor), float(kronor))


def pct(forbund, year, statement, item, value):
    return (forbund, year, statement, item, np.nan, float(value))


def members(rows):
    """rows: (forbund, year, member, member_kind, value_sek)."""
    return pd.DataFrame(
        [(f, "d", y, "utfall", m, k, v) for f, y, m, k, v in rows],
        columns=["forbund", "document", "year", "basis", "member", "member_kind", "value_sek"],
    )


NO_MEMBERS = members([])


@pytest.mark.parametrize(
    "contributions, cap",
    [
        (0.0, 0.0),
        (5e6, 1e6),
        (7e6, 1.4e6),
        (10e6, 1.4e6 + 0.45e6),
        (15e6, 2.6e6),
        (18_022_000.0, 2_902_200.0),  # Sjuhärad 2024: "2902 tkr"
        (19_058_000.0, 3_005_800.0),  # Halland 2025: "ca 3 miljoner"
        (4_720_000.0, 944_000.0),
    ],  # Sydnärke 2024: 20 %
)
def test_guideline_cap_marginal_bands(contributions, cap):
    assert guideline_cap(contributions, BANDS) == pytest.approx(cap)


def test_guideline_cap_properties():
    # continuous, non-decreasing, marginal rate never above the first band's 20 %
    rng = np.random.default_rng(2024)
    points = np.sort(np.concatenate([rng.uniform(0, 40e6, 200), [7e6, 15e6]]))
    caps = np.array([guideline_cap(c, BANDS) for c in points])
    assert (np.diff(caps) >= 0).all()
    assert (caps <= 0.20 * points + 1e-6).all() and (caps >= 0.10 * points - 1e-6).all()
    for edge, step in ((7e6, 0.20 + 0.15), (15e6, 0.15 + 0.10)):  # one krona either side of the edge
        assert guideline_cap(edge + 1, BANDS) - guideline_cap(edge - 1, BANDS) == pytest.approx(step, abs=1e-6)


def test_guideline_cap_refuses_negative_and_passes_nan():
    with pytest.raises(MeasureError, match="must not be negative"):
        guideline_cap(-1.0, BANDS)
    assert np.isnan(guideline_cap(np.nan, BANDS))


class TestEquityVsGuideline:
    def test_exact(self):
        fin = financials(
            [
                money("a", 2024, "income_statement", "member_contribution_total", 18_022_000),
                money("a", 2024, "balance_sheet", "equity", 3_284_068.63),
                money("a", 2024, "text", "equity_guideline_cap", 2_902_000),
            ]
        )
        out = equity_vs_guideline(fin, NO_MEMBERS, BANDS)
        expected = pd.DataFrame(
            {
                "forbund": ["a"],
                "year": [2024],
                "contributions_sek": [18_022_000.0],
                "contributions_source": ["member_contribution_total"],
                "equity_sek": [3_284_068.63],
                "cap_sek": [2_902_200.0],
                "cap_pct_of_contributions": [2_902_200 / 18_022_000 * 100],
                "equity_pct_of_contributions": [3_284_068.63 / 18_022_000 * 100],
                "excess_sek": [381_868.63],
                "above_cap": pd.array([True], dtype="boolean"),
                "printed_cap_sek": [2_902_000.0],
                "printed_equity_pct": [np.nan],
            }
        ).astype({"forbund": "str", "contributions_source": "str"})
        tm.assert_frame_equal(out, expected, check_exact=False)

    def test_contributions_from_members_when_no_total(self):
        fin = financials(
            [
                money("s", 2024, "text", "equity", 1_001_433),
                pct("s", 2024, "text", "equity_share_of_contributions", 21.2),
            ]
        )
        mem = members(
            [
                ("s", 2024, "Staten", "staten", 2_360_000.0),
                ("s", 2024, "Region", "region", 1_180_000.0),
                ("s", 2024, "K", "kommun", 1_180_000.0),
            ]
        )
        row = equity_vs_guideline(fin, mem, BANDS).iloc[0]
        assert row["contributions_source"] == "sum of members"
        assert round(row["equity_pct_of_contributions"], 1) == 21.2 == row["printed_equity_pct"]
        assert row["cap_pct_of_contributions"] == pytest.approx(20.0)

    def test_missing_equity(self):
        fin = financials([money("a", 2024, "income_statement", "member_contribution_total", 1e6)])
        row = equity_vs_guideline(fin, NO_MEMBERS, BANDS).iloc[0]
        assert row["cap_sek"] == 2e5 and np.isnan(row["excess_sek"]) and pd.isna(row["above_cap"])

    def test_empty(self):
        assert equity_vs_guideline(financials([]), NO_MEMBERS, BANDS).empty


class TestBalanceRequirement:
    def test_exact(self):
        fin = financials(
            [
                money("a", 2024, "income_statement", "net_result", 246_185.14),
                money("a", 2024, "text", "balance_requirement_result", 246_000),
                money("a", 2023, "income_statement", "net_result", -804_994.37),
            ]
        )
        out = balance_requirement(fin)
        expected = pd.DataFrame(
            {
                "forbund": ["a", "a"],
                "year": [2023, 2024],
                "net_result_sek": [-804_994.37, 246_185.14],
                "adjustments_sek": [0.0, 0.0],
                "balance_requirement_result_sek": [-804_994.37, 246_185.14],
                "printed_sek": [np.nan, 246_000.0],
                "difference_sek": [np.nan, 185.14],
                "requirement_met": [False, True],
            }
        ).astype({"forbund": "str"})
        tm.assert_frame_equal(out, expected, check_exact=False)

    def test_adjustments(self):
        fin = financials([money("a", 2024, "income_statement", "net_result", 100)])
        adj = pd.DataFrame({"forbund": ["a"], "year": [2024], "value_sek": [-150.0]})
        row = balance_requirement(fin, adj).iloc[0]
        assert row["balance_requirement_result_sek"] == -50.0 and not row["requirement_met"]

    def test_empty(self):
        assert balance_requirement(financials([])).empty


class TestEquityRatio:
    def test_exact_with_printed(self):
        fin = financials(
            [
                money("a", 2024, "balance_sheet", "equity", 3_284_068.63),
                money("a", 2024, "overview", "equity", 3_284_000),
                money("a", 2024, "balance_sheet", "total_assets", 11_708_396.07),
                pct("a", 2024, "overview", "equity_ratio", 28),
            ]
        )
        row = equity_ratio(fin).iloc[0]
        assert row["equity_sek"] == 3_284_068.63  # the balance sheet wins over the tkr overview
        assert row["equity_ratio_pct"] == pytest.approx(28.0489, abs=1e-4)
        assert round(row["equity_ratio_pct"]) == row["printed_pct"] == 28

    def test_missing_assets(self):
        row = equity_ratio(financials([money("a", 2024, "balance_sheet", "equity", 1)])).iloc[0]
        assert np.isnan(row["equity_ratio_pct"])

    def test_zero_assets(self):
        fin = financials(
            [money("a", 2024, "balance_sheet", "equity", 0), money("a", 2024, "balance_sheet", "total_assets", 0)]
        )
        assert np.isnan(equity_ratio(fin)["equity_ratio_pct"].iloc[0])
