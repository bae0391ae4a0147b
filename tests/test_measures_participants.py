"""Gender split, counts derived from printed shares, and outcome rates (hand-made frames)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as tm
import pytest

from finsam_analysis.measures import gender_counts, gender_split, outcome_rates

COLUMNS = ["forbund", "document", "year", "intervention", "group", "measure", "gender", "value", "unit"]


def participants(rows, forbund="x"):
    """rows: (year, intervention, group, measure, gender, value, unit)."""
    return pd.DataFrame([(forbund, "d", *r) for r in rows], columns=COLUMNS)


def outcomes(rows, forbund="x"):
    """rows: (year, intervention, outcome, gender, value, unit, base)."""
    return pd.DataFrame(
        [(forbund, "d", *r) for r in rows],
        columns=["forbund", "document", "year", "intervention", "outcome", "gender", "value", "unit", "base"],
    )


CICERON = participants(
    [
        (2024, "Projekt Ciceron", "*", "active", "total", 9, "count"),
        (2024, "Projekt Ciceron", "*", "active", "man", 67, "pct"),
        (2024, "Projekt Ciceron", "*", "active", "kvinna", 22, "pct"),
        (2024, "Projekt Ciceron", "*", "active", "annat", 11, "pct"),
    ]
)


class TestGenderCounts:
    def test_ciceron_counts_derived_from_shares(self):
        out = gender_counts(CICERON)
        assert out["gender"].tolist() == ["kvinna", "man", "annat", "total"]
        assert out["count"].tolist() == [2.0, 6.0, 1.0, 9.0]
        assert out["source"].tolist() == ["derived from pct"] * 3 + ["printed"]
        assert out["count_min"].tolist() == [2.0, 6.0, 1.0, 9.0]  # 9 is small: each share pins one count
        assert out["count_max"].tolist() == [2.0, 6.0, 1.0, 9.0]
        assert out["rounding_ok"].tolist()[:3] == [True, True, True]
        assert out["parts_sum_ok"].all()

    def test_range_when_rounding_is_ambiguous(self):
        # Halland 2025: 416 participants, 62 % women: 256..260 can all print as 62 % (260 is 62.5 %)
        df = participants(
            [
                (2025, "*", "*", "active", "total", 416, "count"),
                (2025, "*", "*", "active", "kvinna", 62, "pct"),
                (2025, "*", "*", "active", "man", 38, "pct"),
            ]
        )
        out = gender_counts(df).set_index("gender")
        assert out.loc["kvinna", ["count", "count_min", "count_max"]].tolist() == [258.0, 256.0, 260.0]
        assert out.loc["man", ["count", "count_min", "count_max"]].tolist() == [158.0, 156.0, 160.0]
        assert bool(out.loc["kvinna", "parts_sum_ok"])

    def test_parts_not_adding_up_flagged(self):
        df = participants(
            [
                (2024, "T", "*", "active", "total", 3, "count"),
                (2024, "T", "*", "active", "kvinna", 33.3, "pct"),
                (2024, "T", "*", "active", "man", 33.3, "pct"),
                (2024, "T", "*", "active", "annat", 33.3, "pct"),
            ]
        )
        out = gender_counts(df)
        assert out["count"].tolist() == [1.0, 1.0, 1.0, 3.0]
        assert out["parts_sum_ok"].all()
        df.loc[1:, "value"] = 40.0  # 40 % of 3 = 1.2 -> 1; three of them sum to 3 but 1/3 is not 40 %
        out = gender_counts(df)
        assert out["rounding_ok"].tolist()[:3] == [False, False, False]

    def test_printed_counts_win_over_shares(self):
        df = participants(
            [
                (2024, "T", "*", "active", "total", 10, "count"),
                (2024, "T", "*", "active", "kvinna", 6, "count"),
                (2024, "T", "*", "active", "kvinna", 60, "pct"),
            ]
        )
        out = gender_counts(df).set_index("gender")
        assert out.loc["kvinna", "source"] == "printed" and out.loc["kvinna", "printed_pct"] == 60.0
        assert bool(out.loc["kvinna", "rounding_ok"])

    def test_total_pct_rows_are_not_gender_shares(self):
        df = participants(
            [
                (2024, "T", "*", "from_outside_area", "total", 29, "pct"),
                (2024, "T", "*", "active", "total", 10, "count"),
            ]
        )
        out = gender_counts(df)
        assert out[["measure", "count"]].values.tolist() == [["active", 10.0]]

    def test_pct_without_base(self):
        df = participants([(2024, "T", "*", "active", "kvinna", 60, "pct")])
        out = gender_counts(df)
        assert out["source"].tolist() == ["pct without base"] and np.isnan(out["count"].iloc[0])

    @pytest.mark.parametrize("value, decimals", [(62, 0), (12.4, 1), (0.25, 2)])
    def test_printed_decimals(self, value, decimals):
        from finsam_analysis.data.numbers import printed_decimals

        assert printed_decimals(value) == decimals


class TestGenderSplit:
    def test_kommun_counts_without_totals(self):
        # Sjuhärad 2024, Bollebygd: 17 women, 18 men registered; no total printed per kommun
        df = participants(
            [
                (2024, "*", "Bollebygd", "active", "kvinna", 17, "count"),
                (2024, "*", "Bollebygd", "active", "man", 18, "count"),
            ]
        )
        out = gender_split(df)
        expected = pd.DataFrame(
            {
                "forbund": ["x"] * 3,
                "year": [2024] * 3,
                "intervention": ["*"] * 3,
                "group": ["Bollebygd"] * 3,
                "measure": ["active"] * 3,
                "gender": ["kvinna", "man", "total"],
                "count": [17.0, 18.0, 35.0],
                "share_pct": [17 / 35 * 100, 18 / 35 * 100, 100.0],
                "total": [35.0] * 3,
                "total_source": ["sum of parts"] * 3,
                "source": ["printed", "printed", "sum of parts"],
                "count_min": [17.0, 18.0, 35.0],
                "count_max": [17.0, 18.0, 35.0],
                "rounding_ok": pd.array([pd.NA] * 3, dtype="boolean"),
            }
        ).astype(
            {c: "str" for c in ["forbund", "intervention", "group", "measure", "gender", "total_source", "source"]}
        )
        tm.assert_frame_equal(out, expected)

    def test_shares_of_printed_total(self):
        out = gender_split(CICERON)
        assert out["share_pct"].tolist() == pytest.approx([200 / 9, 600 / 9, 100 / 9, 100.0])
        assert (out["total_source"] == "printed").all()

    def test_one_forbund_many_groups(self):
        df = pd.concat([CICERON, CICERON.assign(intervention="B", value=CICERON["value"])], ignore_index=True)
        assert len(gender_split(df)) == 8

    def test_empty(self):
        out = gender_split(participants([]))
        assert out.empty and "share_pct" in out.columns


SYDNARKE = participants(
    [
        (2024, "Samordningsteamet", "*", "active", "total", 145, "count"),
        (2024, "Samordningsteamet", "*", "exited", "total", 100, "count"),
        (2024, "Projekt Ciceron", "*", "exited", "total", 0, "count"),
    ]
)


class TestOutcomeRates:
    def test_step_progress_is_of_exited(self):
        out = outcome_rates(
            outcomes([(2024, "Samordningsteamet", "step_progress", "total", 66, "count", "exited")]), SYDNARKE
        )
        row = out.iloc[0]
        assert (row["base"], row["base_count"], row["count"], row["rate_pct"]) == ("exited", 100.0, 66.0, 66.0)
        assert pd.isna(row["reason"])

    def test_same_count_of_all_active_is_another_rate(self):
        out = outcome_rates(
            outcomes([(2024, "Samordningsteamet", "step_progress", "total", 66, "count", "active")]), SYDNARKE
        )
        assert out["rate_pct"].iloc[0] == pytest.approx(66 / 145 * 100)

    def test_printed_pct_gives_count(self):
        out = outcome_rates(
            outcomes([(2024, "Samordningsteamet", "step_progress", "total", 66, "pct", "exited")]), SYDNARKE
        )
        assert out[["count", "rate_pct", "count_min", "count_max", "source"]].iloc[0].tolist() == [
            66.0,
            66.0,
            66.0,
            66.0,
            "printed pct",
        ]

    def test_count_and_pct_together(self):
        out = outcome_rates(
            outcomes(
                [
                    (2024, "Samordningsteamet", "step_progress", "total", 66, "count", "exited"),
                    (2024, "Samordningsteamet", "step_progress", "total", 66, "pct", "exited"),
                ]
            ),
            SYDNARKE,
        )
        assert len(out) == 1 and out["printed_pct"].iloc[0] == 66.0 and out["source"].iloc[0] == "printed count"

    @pytest.mark.parametrize(
        "row, reason",
        [
            ((2024, "Projekt Ciceron", "work", "total", 0, "count", "exited"), "base count is zero"),
            ((2024, "Samordningsteamet", "work", "kvinna", 3, "count", "exited"), "no participant count for the base"),
            ((2024, "Samordningsteamet", "work", "total", 3, "count", None), "no base stated"),
        ],
    )
    def test_refusals(self, row, reason):
        out = outcome_rates(outcomes([row]), SYDNARKE)
        assert np.isnan(out["rate_pct"].iloc[0]) and out["reason"].iloc[0] == reason

    def test_by_gender(self):
        people = participants(
            [(2024, "T", "*", "exited", "kvinna", 20, "count"), (2024, "T", "*", "exited", "man", 10, "count")]
        )
        out = outcome_rates(
            outcomes(
                [(2024, "T", "work", "kvinna", 5, "count", "exited"), (2024, "T", "work", "man", 5, "count", "exited")]
            ),
            people,
        )
        assert out.set_index("gender")["rate_pct"].to_dict() == {"kvinna": 25.0, "man": 50.0}

    def test_empty(self):
        out = outcome_rates(outcomes([]), SYDNARKE)
        assert out.empty and "rate_pct" in out.columns
