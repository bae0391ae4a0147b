"""Measures on the curated data reproduce the figures the documents print.

Each test names the document and the printed figure. Figures marked "derived" are not printed
but computed by hand from printed inputs (e.g. budget 2024 in the Halland minutes against the
utfall 2024 in the Halland annual report 2025).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from finsam_analysis import measures as m
from finsam_analysis.data.reference import load_equity_bands, load_kpi
from finsam_analysis.document.suppression import COMPLEMENTARY, SMALL, suppress_small_counts


def of(df: pd.DataFrame, forbund: str) -> pd.DataFrame:
    """The rows of one förbund; skips the test while that förbund is not curated yet."""
    rows = df.loc[df["forbund"] == forbund]
    if rows.empty:
        pytest.skip(f"{forbund} not curated yet")
    return rows


def row(df: pd.DataFrame, **filters) -> pd.Series:
    mask = pd.Series(True, index=df.index)
    for key, wanted in filters.items():
        mask &= df[key] == wanted
    hits = df.loc[mask]
    assert len(hits) == 1, f"expected one row for {filters}, found {len(hits)}"
    return hits.iloc[0]


@pytest.fixture(scope="module")
def bands():
    return load_equity_bands()


# --- financial health -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "forbund, year, printed_tkr",
    [
        ("sjuharad", 2024, 2902),  # "eget kapital om totalt 2902 tkr" (1.2)
        ("halland", 2025, 3000),
    ],  # "ca 3 miljoner kr" (1.2)
)
def test_equity_guideline_cap(tables, bands, forbund, year, printed_tkr):
    out = m.equity_vs_guideline(of(tables.financials, forbund), of(tables.member_contributions, forbund), bands)
    r = row(out, year=year)
    if forbund == "sjuharad":
        assert r["contributions_sek"] == 18_022_000 and r["cap_sek"] == pytest.approx(2_902_200)
        assert round(r["cap_sek"] / 1000) == printed_tkr
        assert r["above_cap"] and round(r["equity_sek"] / 1000) == 3284  # "det egna kapitalet är 3284 tkr"
    else:
        assert r["contributions_sek"] == 19_058_000 and r["cap_sek"] == pytest.approx(3_005_800)
        assert round(r["cap_sek"] / 1e6) == 3
        assert r["above_cap"]  # "Under 2025 ökade kapitalet över den rekommenderade nivån"
    assert round(r["cap_sek"] / 1e6) == round(r["printed_cap_sek"] / 1e6)


def test_sydnarke_equity_share_of_contributions(tables, bands):
    # "eget kapital ... 21,2 procent av årets erhållna medlemsbidrag ... rekommenderat tak om 20 procent"
    r = row(
        m.equity_vs_guideline(of(tables.financials, "sydnarke"), of(tables.member_contributions, "sydnarke"), bands),
        year=2024,
    )
    assert r["contributions_sek"] == 4_720_000 and r["contributions_source"] == "sum of members"
    assert round(r["equity_pct_of_contributions"], 1) == 21.2 == r["printed_equity_pct"]
    assert r["cap_pct_of_contributions"] == pytest.approx(20.0)
    assert r["excess_sek"] == pytest.approx(57_433)  # derived: 1 001 433 − 944 000


@pytest.mark.parametrize(
    "forbund, year, printed_sek",
    [
        ("sjuharad", 2024, 246_000),  # "= +246 tkr Balanskravsresultat"
        ("halland", 2025, 3_501_873),  # "Balanskravsresultat : 3 501 873 kr"
        ("sydnarke", 2024, 200_271),  # "Balanskravsresultat 200 271 kr"
    ],
)
def test_balance_requirement(tables, forbund, year, printed_sek):
    r = row(m.balance_requirement(of(tables.financials, forbund)), year=year)
    assert r["printed_sek"] == printed_sek
    assert abs(r["balance_requirement_result_sek"] - printed_sek) < 500  # tkr rounding for Sjuhärad
    assert r["requirement_met"]


def test_equity_ratio_matches_every_printed_soliditet(tables):
    out = m.equity_ratio(tables.financials).dropna(subset=["equity_ratio_pct", "printed_pct"])
    assert len(out) >= 9  # Sjuhärad 2019-2024, Halland 2024-2025, Sydnärke 2024
    assert (out["equity_ratio_pct"].round() == out["printed_pct"]).all(), out.to_string()
    assert row(out, forbund="sjuharad", year=2024)["equity_ratio_pct"] == pytest.approx(28.05, abs=0.01)


# --- budget and forecast ----------------------------------------------------------------------


def printed_deviations(finance: pd.DataFrame) -> pd.DataFrame:
    return finance.loc[finance["measure"] == "deviation", ["forbund", "year", "intervention", "section", "value_sek"]]


@pytest.mark.parametrize("forbund", ["sjuharad", "sydnarke"])
def test_budget_vs_outcome_reproduces_printed_avvikelse(tables, forbund):
    finance = of(tables.intervention_finance, forbund)
    checked = 0
    for section, rows in finance.groupby("section"):
        printed = printed_deviations(rows)
        if printed.empty:
            continue
        computed = m.budget_vs_outcome(rows)
        for _, p in printed.iterrows():
            c = row(computed, year=p["year"], intervention=p["intervention"])
            # the documents print '-' for no utfall and count it as 0 in the deviation
            actual = 0.0 if np.isnan(c["actual_sek"]) else c["actual_sek"]
            assert actual - c["planned_sek"] == p["value_sek"], (section, p["intervention"])
            checked += 1
    assert checked >= {"sjuharad": 17, "sydnarke": 10}[forbund]


def test_sydnarke_samordningsteamet_budget(tables):
    out = m.budget_vs_outcome(of(tables.intervention_finance, "sydnarke"))
    r = row(out, intervention="Samordningsteamet", measure="cost")
    assert (r["planned_sek"], r["actual_sek"], r["deviation_sek"]) == (-2_782_952, -2_968_892, -185_940)


def test_halland_budget_2024_from_minutes_against_utfall_2024(tables):
    # derived: budget in the minutes 2023-12-15, utfall in Bilaga not 2 of the annual report 2025
    out = m.budget_vs_outcome(of(tables.intervention_finance, "halland"))
    out = out.loc[out["year"] == 2024].set_index("intervention")
    expected = {
        "Individsamverkansteam Laholm": 20_584,
        "Individsamverkansteam Halmstad/Hylte": 347_197,
        "Individsamverkansteam Falkenberg": -168_738,
        "Individsamverkansteam Varberg": 760_853,
        "Individsamverkansteam Kungsbacka": 165_083,
        "SKAPA/BIP": -12_485,
        "Kunskapsutveckling": -32_210,
        "Totalt": 1_080_284,
    }
    assert out.loc[list(expected), "deviation_sek"].to_dict() == expected
    items = m.budget_vs_outcome_items(of(tables.financials, "halland")).set_index(["year", "item"])
    assert items.loc[(2024, "operating_costs"), "deviation_sek"] == 1_089_167  # -20 415 204 -> -19 326 037
    assert items.loc[(2024, "net_result"), "deviation_sek"] == 1_154_960  # -1 357 204 -> -202 244


def test_halland_2025_operating_statement(tables):
    # 5. Driftsredovisning: "Avvikelse utfall – budget" 44 199, 1 276 856, 1 321 055
    fin = of(tables.financials, "halland")
    out = m.budget_vs_outcome_items(fin, items=["operating_income", "net_costs_incl_financial", "net_result"])
    out = out.loc[out["year"] == 2025].set_index("item")["deviation_sek"].to_dict()
    assert out == {"operating_income": 44_199, "net_costs_incl_financial": 1_276_856, "net_result": 1_321_055}


def test_halland_forecast_2023(tables):
    # prognos 2023 in the minutes 2023-12-15 against utfall 2023 in the overview of the annual report 2025
    fin = of(tables.financials, "halland")
    out = m.forecast_accuracy(fin, items=["operating_costs", "net_result"]).set_index(["year", "item"])
    assert out.loc[(2023, "net_result"), "deviation_sek"] == -1_162_135  # -1 650 364 -> -2 812 499
    assert out.loc[(2023, "net_result"), "abs_pct_error"] == pytest.approx(70.42, abs=0.01)
    assert out.loc[(2023, "operating_costs"), "deviation_sek"] == -1_308_334  # -21 372 564 -> -22 680 898
    assert out.loc[(2023, "operating_costs"), "abs_pct_error"] == pytest.approx(6.12, abs=0.01)
    # the minutes print two income totals for the 2023 forecast; the table's 'Total' is the one that
    # adds up (19 108 200 + 614 000); 'INTÄKTER TOTALT' 20 336 200 counts ESF Progress twice
    income = fin.loc[fin["section"].str.contains("Budget – Intäkter") | (fin["basis"] == "utfall")]
    r = row(m.forecast_accuracy(income, items=["operating_income"]), year=2023)
    assert (r["planned_sek"], r["actual_sek"], r["deviation_sek"]) == (19_722_200, 19_847_560, 125_360)


# --- funding ----------------------------------------------------------------------------------


@pytest.mark.parametrize("forbund, year", [("sjuharad", 2024), ("halland", 2025), ("sydnarke", 2024)])
def test_funding_shares_follow_the_law(tables, forbund, year):
    out = m.funding_shares(of(tables.member_contributions, forbund))
    shares = out.loc[out["year"] == year].set_index("member_kind")["share_pct"]
    assert shares.to_dict() == pytest.approx({"staten": 50.0, "region": 25.0, "kommun": 25.0})


def test_halland_kommun_split_as_printed(tables):
    out = m.kommun_split(of(tables.member_contributions, "halland"))
    assert out["printed_share_pct"].notna().all()
    assert out["difference_pp"].abs().max() < 0.001  # 2024: staten 9 531 000 makes the total 19 060 000
    r = row(out, year=2025, member="Halmstad")
    assert r["share_of_total_pct"] == pytest.approx(8.0) and r["share_of_kommun_part_pct"] == pytest.approx(32.0)


def test_sjuharad_kommun_split_sums_to_the_quarter(tables):
    out = m.kommun_split(of(tables.member_contributions, "sjuharad"))
    assert out["value_sek"].sum() == pytest.approx(4_505_500)  # Not 2: "Kommuner 4 505,5"
    assert row(out, member="Borås")["share_of_kommun_part_pct"] == pytest.approx(49.99, abs=0.01)


# --- trends -----------------------------------------------------------------------------------


def test_sjuharad_member_contributions_in_fixed_prices(tables):
    series = m.item_series(of(tables.financials, "sjuharad"), "member_contribution_total")
    assert series["year"].tolist() == [2019, 2020, 2021, 2022, 2023, 2024]  # overview 2019-2024
    out = m.nominal_and_real(series, load_kpi(), base_year=2024).set_index("year")
    assert round(out.loc[2019, "value_fixed_sek"] / 1000) == 23_706  # derived: 19 087 tkr x 415.15 / 334.26
    real = m.cagr(out.reset_index(), value="value_fixed_sek")
    nominal = m.cagr(series)
    assert nominal["cagr_pct"].iloc[0] == pytest.approx(-1.142, abs=0.001)  # 19 087 -> 18 022 tkr
    assert real["cagr_pct"].iloc[0] == pytest.approx(-5.335, abs=0.001)
    assert out.loc[2022, "change_pct"] == 0.0 and out.loc[2022, "real_change_pct"] < -7


# --- costs and participants ---------------------------------------------------------------------


def test_sydnarke_cost_per_participant_samordningsteamet(tables):
    # "Kostnad/deltagare 20 475 kr/deltagare": utfall 2 968 892 kr / 145 inskrivna (active) deltagare
    finance = of(tables.intervention_finance, "sydnarke")
    out = m.cost_per_participant(finance.loc[finance["basis"] == "utfall"], tables.participants, "active")
    r = row(out, year=2024, intervention="Samordningsteamet")
    assert (r["cost_sek"], r["participants"]) == (2_968_892, 145)
    printed = row(finance, measure="cost_per_participant", intervention="Samordningsteamet")["value_sek"]
    assert round(r["cost_per_participant_sek"]) == 20_475 == -printed
    # other definitions do not give the printed figure
    exited = row(
        m.cost_per_participant(finance.loc[finance["basis"] == "utfall"], tables.participants, "exited"),
        year=2024,
        intervention="Samordningsteamet",
    )
    assert round(exited["cost_per_participant_sek"]) == 29_689
    target = m.cost_per_participant(finance.loc[finance["basis"] == "budget"], tables.participants, "target")
    assert round(row(target, intervention="Samordningsteamet", year=2024)["cost_per_participant_sek"]) == 18_553
    with pytest.raises(m.MeasureError, match="mixes plan and outcome"):
        m.cost_per_participant(finance.loc[finance["basis"] == "budget"], tables.participants, "active")


def test_sydnarke_ciceron_has_no_exits_yet(tables):
    finance = of(tables.intervention_finance, "sydnarke")
    out = m.cost_per_participant(finance.loc[finance["basis"] == "utfall"], tables.participants, "exited")
    assert row(out, year=2024, intervention="Projekt Ciceron")["reason"] == "'exited' participant count is zero"


@pytest.mark.parametrize(
    "forbund, kinds, participants, per_participant",
    [
        ("sydnarke", ("individ", "projekt"), 154, 22_572),  # derived: (2 968 892 + 507 173) / 154
        ("sjuharad", ("individ",), 650, 23_654),  # derived: Aktiv Kraft + Gröna Vägen 15 375 tkr / 650
    ],
)
def test_total_cost_per_participant(tables, forbund, kinds, participants, per_participant):
    out = m.cost_per_participant(
        m.total_costs(of(tables.intervention_finance, forbund), tables.interventions, kinds), tables.participants
    )
    r = row(out, year=2024)
    assert r["participants"] == participants and round(r["cost_per_participant_sek"]) == per_participant


def test_cost_structure_and_admin_share(tables):
    iv = tables.interventions
    syd = m.cost_structure(of(tables.intervention_finance, "sydnarke"), iv)
    # 1 201 799 / 4 996 117 (Administration inkl. styrelse in 5. Driftredovisning)
    assert row(m.admin_share(syd), year=2024)["admin_share_pct"] == pytest.approx(24.05, abs=0.01)
    assert row(syd, year=2024, kind="admin")["total_sek"] == -4_996_117  # leaves add up to the printed Summa
    sju = m.cost_structure(of(tables.intervention_finance, "sjuharad"), iv).set_index("kind")
    assert sju["total_sek"].iloc[0] == -22_708_000  # Summa Kostnad 2024
    assert sju.loc["individ", "share_pct"] == pytest.approx(67.71, abs=0.01)  # printed "69 %": see docs/measures.md
    # "Knappt 20% av förbundets totala kostnader avsåg utbildnings- och utvecklingskostnader"
    assert sju.loc[["projekt", "struktur"], "share_pct"].sum() == pytest.approx(19.29, abs=0.01)
    hal = m.cost_structure(of(tables.intervention_finance, "halland"), iv)
    # 1.6 Finansierade insatser 2025: individ 10 076 415, struktur 197 193, drift/admin 5 296 881 kr
    # (the individual part is the sum of the five teams in Bilaga not 2)
    hal25 = hal.loc[hal["year"] == 2025].set_index("kind")
    assert hal25["value_sek"].to_dict() == {"admin": -5_296_881, "individ": -10_076_415, "struktur": -197_193}
    assert hal25.loc["admin", "share_pct"] == pytest.approx(34.02, abs=0.01)
    assert hal25["total_sek"].iloc[0] == -15_570_489  # Not 2 "Summa verksamhetens kostnader"
    # 2024 (Not 2 "varav Driftkostnader" 5 932 377 of 19 325 617): derived 30.7 %
    assert row(m.admin_share(hal), year=2024)["admin_share_pct"] == pytest.approx(30.70, abs=0.01)


def test_sjuharad_gender_split(tables):
    people = of(tables.participants, "sjuharad")
    out = m.gender_split(people.loc[(people["year"] == 2024) & (people["measure"] == "active")])
    total = row(out, intervention="*", group="*", gender="kvinna")
    assert (total["count"], total["total"]) == (426, 650)  # "Antal kvinnor som deltog var 426 och antal män 224"
    assert total["share_pct"] == pytest.approx(65.54, abs=0.01)
    kommuner = out.loc[(out["group"] != "*") & (out["gender"] != "total")]
    assert kommuner.groupby("gender")["count"].sum().to_dict() == {"kvinna": 426, "man": 224}
    shown = suppress_small_counts(out)
    assert not shown["suppressed"].any()  # the smallest kommun cell is 7 men in Vårgårda


def test_sydnarke_gender_counts_derived_from_shares(tables):
    people = of(tables.participants, "sydnarke")
    out = m.gender_split(people.loc[(people["year"] == 2024) & (people["measure"] == "active")])
    team = out.loc[out["intervention"] == "Samordningsteamet"].set_index("gender")
    assert team["count"].to_dict() == {"kvinna": 87, "man": 58, "total": 145}  # 60 % / 40 % of 145
    ciceron = out.loc[out["intervention"] == "Projekt Ciceron"].set_index("gender")
    assert ciceron["count"].to_dict() == {"kvinna": 2, "man": 6, "annat": 1, "total": 9}  # 22/67/11 % of 9
    assert ciceron["rounding_ok"].iloc[:3].all()
    masked = suppress_small_counts(ciceron.reset_index()).set_index("gender")
    assert masked.loc["annat", "suppression_reason"] == SMALL and masked.loc["kvinna", "suppression_reason"] == SMALL
    assert masked.loc["man", "suppression_reason"] == COMPLEMENTARY
    assert masked.loc["total", "count_display"] == "9"


def test_halland_gender_counts_with_rounding_range(tables):
    people = of(tables.participants, "halland")
    out = m.gender_counts(people.loc[people["measure"].isin(["active", "carried_over"])])
    r = row(out, year=2025, measure="active", gender="kvinna")  # "416 deltagare ... 62% kvinnor/38% män"
    assert (r["count"], r["count_min"], r["count_max"]) == (258, 256, 260)
    r = row(out, year=2024, measure="carried_over", gender="man")  # "184 deltagare (60% kvinnor/40% män)"
    assert r["count"] == 74 and bool(r["parts_sum_ok"])


def test_sydnarke_step_progress_is_of_exited(tables):
    # "66 av de 100 avslutade deltagarna har gjort stegförflyttning" = 66 %, not 66 of 145 inskrivna
    out = m.outcome_rates(of(tables.outcomes, "sydnarke"), tables.participants)
    r = row(out, intervention="Samordningsteamet", outcome="step_progress")
    assert (r["base"], r["base_count"], r["count"], r["rate_pct"], r["printed_pct"]) == ("exited", 100, 66, 66.0, 66.0)
    assert 66 / 145 * 100 == pytest.approx(45.5, abs=0.1)


def test_halland_outcomes_of_about_250_exited(tables):
    out = m.outcome_rates(of(tables.outcomes, "halland"), tables.participants).set_index("outcome")
    assert out["rate_pct"].sum() == 100  # 13 + 30 + 45 + 12 (of "drygt 250" avslutade)
    # 13 % of 250 = 32.5: 32 or 33 people (and "drygt 250" makes the base itself approximate)
    assert out.loc["work_or_studies", ["count", "count_min", "count_max"]].tolist() == [33, 32, 33]


def test_sjuharad_outcomes_have_no_stated_base(tables):
    # "Av alla rapporterade individer går 20 personer vidare till arbete eller studier": no base printed
    out = m.outcome_rates(of(tables.outcomes, "sjuharad"), tables.participants)
    assert out["rate_pct"].isna().all() and (out["reason"] == "no base stated").all()
    assert row(out, outcome="work_or_studies")["count"] == 20
