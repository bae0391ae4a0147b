"""Cost structure, admin share and cost per participant (hand-made frames)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as tm
import pytest

from finsam_analysis.measures import (
    MeasureError,
    admin_share,
    cost_per_participant,
    cost_structure,
    leaf_interventions,
    total_costs,
)

DOC = "arsredovisning-2024"


def interventions(rows):
    """rows: (intervention, kind, parent)."""
    return pd.DataFrame(
        [("x", DOC, i, k, p) for i, k, p in rows], columns=["forbund", "document", "intervention", "kind", "parent"]
    )


def finance(rows, forbund="x"):
    """rows: (year, basis, intervention, measure, value_sek)."""
    return pd.DataFrame(
        [(forbund, DOC, *r) for r in rows],
        columns=["forbund", "document", "year", "basis", "intervention", "measure", "value_sek"],
    )


def participants(rows, forbund="x"):
    """rows: (year, intervention, measure, value) for group '*' gender total count."""
    return pd.DataFrame(
        [(forbund, DOC, y, i, "*", m, "total", v, "count") for y, i, m, v in rows],
        columns=["forbund", "document", "year", "intervention", "group", "measure", "gender", "value", "unit"],
    )


KINDS = interventions(
    [
        ("Totalt", "summa", None),
        ("Kansli", "admin", "Totalt"),
        ("Team", "individ", "Totalt"),
        ("Aktiv", "individ", "Totalt"),
        ("Aktiv A", "individ", "Aktiv"),
        ("Aktiv B", "individ", "Aktiv"),
        ("Nätverk", "struktur", "Totalt"),
    ]
)
COSTS = finance(
    [
        (2024, "utfall", "Totalt", "cost", -1000.0),
        (2024, "utfall", "Kansli", "cost", -250.0),
        (2024, "utfall", "Team", "cost", -400.0),
        (2024, "utfall", "Aktiv", "cost", -300.0),
        (2024, "utfall", "Aktiv A", "cost", -100.0),
        (2024, "utfall", "Aktiv B", "cost", -200.0),
        (2024, "utfall", "Nätverk", "cost", -50.0),
        (2024, "utfall", "Team", "income", 30.0),
        (2024, "budget", "Team", "cost", -350.0),
    ]
)


def test_leaves_exclude_totals_and_parents():
    assert leaf_interventions(KINDS)["intervention"].tolist() == ["Kansli", "Team", "Aktiv A", "Aktiv B", "Nätverk"]


def test_cost_structure_exact():
    expected = pd.DataFrame(
        {
            "forbund": ["x"] * 3,
            "year": [2024] * 3,
            "basis": ["utfall"] * 3,
            "kind": ["admin", "individ", "struktur"],
            "value_sek": [-250.0, -700.0, -50.0],
            "total_sek": [-1000.0] * 3,
            "share_pct": [25.0, 70.0, 5.0],
        }
    ).astype({"forbund": "str", "basis": "str", "kind": "str"})
    tm.assert_frame_equal(cost_structure(COSTS, KINDS), expected)


def test_cost_structure_shares_sum_to_100_property():
    rng = np.random.default_rng(7)
    kinds = interventions([(f"I{i}", k, None) for i, k in enumerate(["admin", "individ", "struktur", "projekt"] * 3)])
    for _ in range(20):
        costs = finance(
            [(2024, "utfall", f"I{i}", "cost", -float(v)) for i, v in enumerate(rng.integers(0, 10**6, 12))]
        )
        out = cost_structure(costs, kinds)
        assert out["share_pct"].sum() == pytest.approx(100.0)
        assert out["value_sek"].sum() == pytest.approx(costs["value_sek"].sum())


def test_cost_structure_repeated_section_counted_once():
    repeated = pd.concat([COSTS, COSTS.iloc[[2]]], ignore_index=True)
    assert cost_structure(repeated, KINDS)["value_sek"].sum() == -1000.0


def test_cost_structure_unknown_intervention():
    with pytest.raises(MeasureError, match=r"\['Okänd'\] not in interventions"):
        cost_structure(finance([(2024, "utfall", "Okänd", "cost", -1.0)]), KINDS)


def test_cost_structure_empty():
    assert cost_structure(COSTS.iloc[0:0], KINDS).empty


def test_admin_share_exact_and_missing():
    other = finance([(2024, "utfall", "Team", "cost", -90.0), (2024, "utfall", "Nätverk", "cost", -10.0)], forbund="y")
    both = pd.concat([COSTS, other], ignore_index=True)
    kinds = pd.concat([KINDS, KINDS.assign(forbund="y")], ignore_index=True)
    out = admin_share(cost_structure(both, kinds))
    assert out["admin_share_pct"].tolist() == pytest.approx([25.0, np.nan], nan_ok=True)
    assert out["reason"].tolist()[1] == "no admin insats in the data"


def test_total_costs():
    out = total_costs(COSTS, KINDS, kinds=("individ",))
    assert out[["intervention", "value_sek"]].to_dict("list") == {"intervention": ["*"], "value_sek": [-700.0]}


class TestCostPerParticipant:
    def test_cost_divided_by_active_participants(self):
        # Sydnärke 2024, Samordningsteamet: utfall 2 968 892 kr / 145 inskrivna (active) = 20 475 kr
        costs = finance([(2024, "utfall", "Samordningsteamet", "cost", -2968892.0)])
        people = participants([(2024, "Samordningsteamet", "active", 145), (2024, "Samordningsteamet", "exited", 100)])
        out = cost_per_participant(costs, people)
        expected = pd.DataFrame(
            {
                "forbund": ["x"],
                "year": [2024],
                "intervention": ["Samordningsteamet"],
                "basis": ["utfall"],
                "cost_sek": [2968892.0],
                "participant_measure": ["active"],
                "participants": [145.0],
                "cost_per_participant_sek": [2968892 / 145],
                "reason": [None],
            }
        ).astype({c: "str" for c in ["forbund", "intervention", "basis", "participant_measure", "reason"]})
        tm.assert_frame_equal(out, expected)
        assert round(out["cost_per_participant_sek"].iloc[0]) == 20475

    @pytest.mark.parametrize("measure, expected", [("active", 10.0), ("started", 25.0), ("exited", 50.0)])
    def test_definitions(self, measure, expected):
        costs = finance([(2024, "utfall", "T", "cost", -100.0)])
        people = participants([(2024, "T", "active", 10), (2024, "T", "started", 4), (2024, "T", "exited", 2)])
        assert cost_per_participant(costs, people, measure)["cost_per_participant_sek"].iloc[0] == expected

    @pytest.mark.parametrize(
        "people, reason",
        [
            ([(2024, "T", "active", 0)], "'active' participant count is zero"),
            ([], "no 'active' participant count"),
            ([(2023, "T", "active", 5)], "no 'active' participant count"),
        ],
    )
    def test_zero_or_missing_participants(self, people, reason):
        out = cost_per_participant(finance([(2024, "utfall", "T", "cost", -100.0)]), participants(people))
        assert np.isnan(out["cost_per_participant_sek"].iloc[0])
        assert out["reason"].iloc[0] == reason

    def test_budget_by_actual_participants_refused(self):
        costs = finance([(2024, "budget", "T", "cost", -100.0)])
        with pytest.raises(MeasureError, match="budget costs divided by 'active' \\(actual\\) participants"):
            cost_per_participant(costs, participants([(2024, "T", "active", 10)]))

    def test_utfall_by_target_refused(self):
        costs = finance([(2024, "utfall", "T", "cost", -100.0)])
        with pytest.raises(MeasureError, match="utfall costs divided by target"):
            cost_per_participant(costs, participants([(2024, "T", "target", 10)]), "target")

    def test_budget_by_target_allowed(self):
        costs = finance([(2024, "budget", "T", "cost", -300.0)])
        out = cost_per_participant(costs, participants([(2024, "T", "target", 150)]), "target")
        assert out["cost_per_participant_sek"].iloc[0] == 2.0

    def test_only_cost_measure_used(self):
        out = cost_per_participant(COSTS.loc[COSTS["basis"] == "utfall"], participants([(2024, "Team", "active", 4)]))
        assert out.set_index("intervention").loc["Team", "cost_per_participant_sek"] == 100.0

    def test_total_for_forbund(self):
        people = participants([(2024, "*", "active", 7)])
        out = cost_per_participant(total_costs(COSTS, KINDS), people)
        assert out["cost_per_participant_sek"].iloc[0] == 100.0

    def test_gender_rows_ignored(self):
        people = participants([(2024, "T", "active", 10)])
        people = pd.concat([people, people.assign(gender="kvinna", value=6)], ignore_index=True)
        out = cost_per_participant(finance([(2024, "utfall", "T", "cost", -100.0)]), people)
        assert out["participants"].iloc[0] == 10.0

    def test_empty(self):
        out = cost_per_participant(finance([]), participants([]))
        assert out.empty and "cost_per_participant_sek" in out.columns
