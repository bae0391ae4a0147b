"""Costs by kind of insats (cost structure), admin share, and cost per participant."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from finsam_analysis.measures._frames import MeasureError, one_per_key, ratio, require_columns

FINANCE_KEY = ["forbund", "year", "basis", "intervention", "measure"]
ACTUAL_PARTICIPANT_MEASURES = ("active", "started", "exited", "carried_over")
PLANNED_PARTICIPANT_MEASURES = ("target",)
PLANNED_BASES = ("budget", "prognos")


def leaf_interventions(interventions: pd.DataFrame) -> pd.DataFrame:
    """The interventions that are not a printed (sub)total: kind != summa and nobody's parent.

    Summing only leaves counts every krona once even when a document prints subtotals
    (e.g. "Aktiv Kraft" over its kommun parts). Columns as interventions.csv.
    """
    require_columns(interventions, ["forbund", "document", "intervention", "kind", "parent"], "interventions")
    parents = (
        interventions.loc[interventions["parent"].notna(), ["forbund", "document", "parent"]]
        .rename(columns={"parent": "intervention"})
        .drop_duplicates()
        .assign(_is_parent=True)
    )
    marked = interventions.merge(parents, on=["forbund", "document", "intervention"], how="left")
    keep = marked["_is_parent"].isna().to_numpy() & (interventions["kind"] != "summa").to_numpy()
    return interventions.loc[keep]


def _leaf_rows(finance: pd.DataFrame, interventions: pd.DataFrame, measure: str, basis: str) -> pd.DataFrame:
    require_columns(
        finance,
        ["forbund", "document", "year", "basis", "intervention", "measure", "value_sek"],
        "intervention_finance",
    )
    rows = finance.loc[(finance["measure"] == measure) & (finance["basis"] == basis)]
    kinds = interventions[["forbund", "document", "intervention", "kind"]].drop_duplicates(
        ["forbund", "document", "intervention"]
    )
    rows = rows.merge(kinds, on=["forbund", "document", "intervention"], how="left")
    unknown = rows.loc[rows["kind"].isna(), "intervention"].unique().tolist()
    if unknown:
        raise MeasureError(f"intervention_finance: intervention(s) {unknown} not in interventions of their document")
    leaves = leaf_interventions(interventions)[["forbund", "document", "intervention"]].drop_duplicates()
    rows = rows.merge(leaves, on=["forbund", "document", "intervention"], how="inner")
    return one_per_key(rows, FINANCE_KEY, "value_sek", "intervention_finance")


def cost_structure(
    intervention_finance: pd.DataFrame,
    interventions: pd.DataFrame,
    measure: str = "cost",
    basis: str = "utfall",
) -> pd.DataFrame:
    """Costs by kind of insats and their shares (kostnadsfördelning per insatstyp).

    sv: andel = kostnad för insatstypen (individ, struktur, admin, projekt) / summa kostnader
        för alla insatser (utan delsummor) × 100.
    en: share = cost of one kind (individual, structural, administration, project) / cost of
        all interventions (leaves only, no subtotals) × 100.

    Uses intervention_finance rows of `measure` (cost; `net` for documents that print only net
    cost per area, like Sjuhärad's driftredovisning) and `basis`. Kinds come from
    interventions.csv of the same document. Columns: forbund, year, basis, kind, value_sek,
    total_sek, share_pct. value_sek keeps the sign convention (costs negative).
    """
    rows = _leaf_rows(intervention_finance, interventions, measure, basis)
    out = rows.groupby(["forbund", "year", "basis", "kind"], as_index=False)["value_sek"].sum()
    out["total_sek"] = out.groupby(["forbund", "year", "basis"])["value_sek"].transform("sum")
    out["share_pct"] = ratio(out["value_sek"], out["total_sek"], 100)
    return out.astype({"year": "int64", "value_sek": "float64", "total_sek": "float64"}).sort_values(
        ["forbund", "year", "kind"], ignore_index=True
    )


def admin_share(structure: pd.DataFrame) -> pd.DataFrame:
    """Administration's share of total costs (administrationens andel av kostnaderna).

    sv: adminandel = kostnad för kansli, styrelse och administration / summa kostnader × 100.
    en: admin share = cost of secretariat, board and administration / total cost × 100.

    Input: the output of cost_structure(). A förbund-year without any admin insats gets NaN
    and a reason (not 0 %: the document may book administration elsewhere).
    Columns: forbund, year, basis, admin_sek, total_sek, admin_share_pct, reason.
    """
    require_columns(structure, ["forbund", "year", "basis", "kind", "value_sek", "total_sek"], "admin_share")
    totals = structure.drop_duplicates(["forbund", "year", "basis"])[["forbund", "year", "basis", "total_sek"]]
    admin = structure.loc[structure["kind"] == "admin", ["forbund", "year", "basis", "value_sek"]]
    out = totals.merge(admin.rename(columns={"value_sek": "admin_sek"}), on=["forbund", "year", "basis"], how="left")
    out["admin_share_pct"] = ratio(out["admin_sek"], out["total_sek"], 100)
    out["reason"] = pd.Series(
        np.where(out["admin_sek"].isna(), "no admin insats in the data", None), index=out.index, dtype="str"
    )
    columns = ["forbund", "year", "basis", "admin_sek", "total_sek", "admin_share_pct", "reason"]
    return out[columns].reset_index(drop=True)


def total_costs(
    intervention_finance: pd.DataFrame,
    interventions: pd.DataFrame,
    kinds: Sequence[str] = ("individ",),
    measure: str = "cost",
    basis: str = "utfall",
) -> pd.DataFrame:
    """Sum of the leaf interventions of the given kinds, as intervention '*' (summa kostnad).

    Feeds cost_per_participant() for the förbund as a whole, e.g. all individual insatser
    against all participants. Columns: forbund, year, basis, intervention ('*'), measure,
    kinds, value_sek.
    """
    rows = _leaf_rows(intervention_finance, interventions, measure, basis)
    rows = rows.loc[rows["kind"].isin(list(kinds))]
    out = rows.groupby(["forbund", "year", "basis"], as_index=False)["value_sek"].sum()
    return out.assign(intervention="*", measure=measure, kinds="+".join(kinds))[
        ["forbund", "year", "basis", "intervention", "measure", "kinds", "value_sek"]
    ]


def _check_pairing(bases: Sequence[str], participant_measure: str) -> None:
    planned = [b for b in bases if b in PLANNED_BASES]
    if planned and participant_measure not in PLANNED_PARTICIPANT_MEASURES:
        raise MeasureError(
            f"cost_per_participant: {planned[0]} costs divided by {participant_measure!r} (actual) "
            "participants mixes plan and outcome; pass utfall costs, or participant_measure='target'"
        )
    if not planned and participant_measure in PLANNED_PARTICIPANT_MEASURES and len(bases):
        raise MeasureError(
            "cost_per_participant: utfall costs divided by target participants is not a cost per "
            "participant; use budget costs with 'target', or an actual participant measure"
        )
    if participant_measure not in ACTUAL_PARTICIPANT_MEASURES + PLANNED_PARTICIPANT_MEASURES:
        raise MeasureError(f"cost_per_participant: unknown participant measure {participant_measure!r}")


def cost_per_participant(
    costs: pd.DataFrame,
    participants: pd.DataFrame,
    participant_measure: str = "active",
    cost_measure: str = "cost",
) -> pd.DataFrame:
    """Cost per participant per insats (kostnad per deltagare).

    sv: kostnad per deltagare = insatsens kostnad (utfall) / antal deltagare enligt vald
        definition: `active` = aktuella/inskrivna under året (Sydnärke: 2 968 892 kr / 145
        = 20 475 kr), `started` = nya under året, `exited` = avslutade under året.
    en: cost per participant = the insats' actual cost / participants by the chosen
        definition (active in the year, started in the year, exited in the year).

    `costs`: intervention_finance rows (or total_costs()) with forbund, year, intervention,
    basis, value_sek; rows of `cost_measure` are used when a `measure` column exists.
    `participants`: the participants table; its count rows with group '*' and gender
    'total' and measure `participant_measure` give the divisor.
    A budget is only divided by the target number of participants, utfall only by actual
    participants: any other pairing raises MeasureError. Where the count is missing or zero
    the result is NaN with a `reason`. Costs are negative in the data; cost_sek is positive.
    Columns: forbund, year, intervention, basis, cost_sek, participant_measure, participants,
    cost_per_participant_sek, reason.
    """
    require_columns(costs, ["forbund", "year", "intervention", "basis", "value_sek"], "cost_per_participant costs")
    require_columns(
        participants,
        ["forbund", "year", "intervention", "group", "measure", "gender", "value", "unit"],
        "cost_per_participant participants",
    )
    if "measure" in costs.columns:
        costs = costs.loc[costs["measure"] == cost_measure]
    _check_pairing(sorted(costs["basis"].unique()), participant_measure)
    key = ["forbund", "year", "intervention", "basis"]
    costs = one_per_key(costs, key, "value_sek", "cost_per_participant costs")
    counts = participants.loc[
        (participants["measure"] == participant_measure)
        & (participants["group"] == "*")
        & (participants["gender"] == "total")
        & (participants["unit"] == "count"),
        ["forbund", "year", "intervention", "value"],
    ]
    counts = counts.merge(
        costs[["forbund", "year", "intervention"]].drop_duplicates(), on=["forbund", "year", "intervention"]
    )  # only the counts needed here
    counts = one_per_key(counts, ["forbund", "year", "intervention"], "value", "cost_per_participant participants")
    out = costs[key + ["value_sek"]].merge(counts, on=["forbund", "year", "intervention"], how="left")
    out = out.rename(columns={"value": "participants"})
    out["cost_sek"] = -out["value_sek"].astype("float64")
    out["participants"] = out["participants"].astype("float64")
    out["participant_measure"] = participant_measure
    out["cost_per_participant_sek"] = ratio(out["cost_sek"], out["participants"])
    reason = np.select(
        [out["participants"].isna(), out["participants"] == 0],
        [f"no '{participant_measure}' participant count", f"'{participant_measure}' participant count is zero"],
        default=None,
    )
    out["reason"] = pd.Series(reason, index=out.index, dtype="str")
    return (
        out[
            [
                "forbund",
                "year",
                "intervention",
                "basis",
                "cost_sek",
                "participant_measure",
                "participants",
                "cost_per_participant_sek",
                "reason",
            ]
        ]
        .astype({"year": "int64"})
        .sort_values(["forbund", "year", "intervention"], ignore_index=True)
    )
