"""Member funding: totals, shares against the law, kommun split (hand-made frames)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as tm
import pytest

from finsam_analysis.measures import contribution_totals, funding_shares, kommun_split


def members(rows, forbund="h"):
    """rows: (year, member, member_kind, value_sek, share_pct)."""
    return pd.DataFrame(
        [(forbund, "d", y, "utfall", m, k, v, s) for y, m, k, v, s in rows],
        columns=["forbund", "document", "year", "basis", "member", "member_kind", "value_sek", "share_pct"],
    )


def financials(rows):
    """rows: (forbund, year, statement, value_sek) of member_contribution_total."""
    return pd.DataFrame(
        [(f, "d", y, "utfall", s, "member_contribution_total", v) for f, y, s, v in rows],
        columns=["forbund", "document", "year", "basis", "statement", "item", "value_sek"],
    )


HALLAND_2025 = members(
    [
        (2025, "Försäkringskassan", "staten", 9_529_000.0, 50.0),
        (2025, "Region Halland", "region", 4_764_500.0, 25.0),
        (2025, "Falkenberg", "kommun", 571_740.0, 3.0),
        (2025, "Halmstad", "kommun", 1_524_640.0, 8.0),
        (2025, "Hylte", "kommun", 190_580.0, 1.0),
        (2025, "Laholm", "kommun", 381_160.0, 2.0),
        (2025, "Kungsbacka", "kommun", 1_143_480.0, 6.0),
        (2025, "Varberg", "kommun", 952_900.0, 5.0),
    ]
)


def test_funding_shares_exact():
    expected = pd.DataFrame(
        {
            "forbund": ["h"] * 3,
            "year": [2025] * 3,
            "member_kind": ["staten", "region", "kommun"],
            "value_sek": [9_529_000.0, 4_764_500.0, 4_764_500.0],
            "total_sek": [19_058_000.0] * 3,
            "share_pct": [50.0, 25.0, 25.0],
            "law_share_pct": [50.0, 25.0, 25.0],
            "deviation_pp": [0.0, 0.0, 0.0],
        }
    ).astype({"forbund": "str", "member_kind": "str"})
    tm.assert_frame_equal(funding_shares(HALLAND_2025), expected)


def test_funding_shares_deviation():
    df = members(
        [(2024, "FK", "staten", 60.0, None), (2024, "R", "region", 20.0, None), (2024, "K", "kommun", 20.0, None)]
    )
    assert funding_shares(df)["deviation_pp"].tolist() == pytest.approx([10.0, -5.0, -5.0])


def test_star_row_not_counted():
    df = pd.concat([HALLAND_2025, members([(2025, "*", "kommun", 19_058_000.0, None)])], ignore_index=True)
    assert funding_shares(df)["total_sek"].iloc[0] == 19_058_000.0


def test_kommun_split():
    out = kommun_split(HALLAND_2025).set_index("member")
    assert out.loc["Falkenberg", "share_of_total_pct"] == pytest.approx(3.0)
    assert out.loc["Falkenberg", "share_of_kommun_part_pct"] == pytest.approx(12.0)
    assert out["difference_pp"].abs().max() < 1e-9
    assert list(out.index) == sorted(out.index)


def test_kommun_split_without_printed_shares():
    df = members(
        [(2024, "FK", "staten", 50.0, None), (2024, "A", "kommun", 30.0, None), (2024, "B", "kommun", 20.0, None)]
    )
    out = kommun_split(df.drop(columns="share_pct"))
    assert out["share_of_kommun_part_pct"].tolist() == [60.0, 40.0] and out["printed_share_pct"].isna().all()


@pytest.mark.parametrize(
    "fin_rows, mem, source, total",
    [
        ([("h", 2025, "note", 19_058_000.0)], HALLAND_2025, "member_contribution_total", 19_058_000.0),
        ([], HALLAND_2025, "sum of members", 19_058_000.0),
        (
            [],
            members([(2025, "*", "*", 1.0, None), (2025, "FK", "staten", 5.0, None)]),
            "member_contributions '*'",
            1.0,
        ),
    ],
)
def test_contribution_totals_sources(fin_rows, mem, source, total):
    out = contribution_totals(financials(fin_rows), mem)
    assert out[["contributions_source", "contributions_sek"]].iloc[0].tolist() == [source, total]


def test_empty_and_one_forbund_only():
    assert funding_shares(members([])).empty
    two = pd.concat([HALLAND_2025, members([(2025, "FK", "staten", 1.0, None)], forbund="z")], ignore_index=True)
    out = funding_shares(two)
    assert out.loc[out["forbund"] == "z", "share_pct"].tolist() == [100.0]
    assert np.isclose(out.loc[out["forbund"] == "h", "share_pct"].sum(), 100.0)
