"""Figures read from two documents of Samordningsförbundet i Halland.

- arsredovisning-2025: Årsredovisning 2025 (seed 002)
- protokoll-2023-12-15: board minutes with budget 2024 and forecast 2023 (seed 004)

Each expected value was read from the document by hand; the section is named in each case.
"""

import pandas as pd
import pytest
from helpers import one

from finsam_analysis.document import sections as report

AR = dict(forbund="halland", document="arsredovisning-2025")
MIN = dict(forbund="halland", document="protokoll-2023-12-15")
OVERVIEW = "1.1. Översikt över verksamhetens utveckling"
GOALS = "1.5. God ekonomisk hushållning, måluppfyllelse och ekonomisk ställning"
FUNDED = "1.6. Finansierade insatser"
BILAGA = "Bilaga not 2 Insatskostnader per insats"
INCOME = "§ 5 Budget – Intäkter"
SUMMARY = "§ 5 Sammanställning budget 2024"
INSATSER = "§ 5 Budget – Kostnader – Insatser"


def ar(tables, **filters):
    return one(tables.financials, **AR, basis=filters.pop("basis", "utfall"), **filters)


def minutes(tables, **filters):
    return one(tables.financials, **MIN, statement=filters.pop("statement", "budget"), **filters)


# --------------------------------------------------------------------------- Årsredovisning 2025


def test_equity_2025(tables):
    # 1.1 overview and running text: 5 967 664 kr; balance sheet and Not 9: 5 967 665 kr (registered 1 kr)
    assert ar(tables, statement="overview", year=2025, item="equity") == 5967664
    assert ar(tables, statement="text", year=2025, item="equity", section=OVERVIEW) == 5967664
    assert ar(tables, statement="balance_sheet", year=2025, item="equity") == 5967665
    assert ar(tables, statement="note", year=2025, item="equity") == 5967665
    assert ar(tables, statement="text", year=2025, item="equity", section=GOALS) == 5967000  # "5 967 tkr"


@pytest.mark.parametrize(
    "statement, year, item, expected",
    [
        ("income_statement", 2025, "net_result", 3501873),  # 2. Resultaträkning
        ("income_statement", 2024, "net_result", -202244),
        ("income_statement", 2025, "operating_income", 19102199),
        ("income_statement", 2025, "operating_costs", -15570490),
        ("income_statement", 2024, "financial_costs", -10685),
        ("balance_sheet", 2025, "total_assets", 8894953),  # 3. Balansräkning
        ("balance_sheet", 2024, "short_term_liabilities", 2711995),
        ("balance_sheet", 2025, "equity_other", 2465792),  # Balanserat resultat
        ("cash_flow", 2025, "change_in_cash", 3668739),  # 4. Kassaflödesanalys
        ("cash_flow", 2024, "cash_opening", 5537448),
        ("overview", 2020, "operating_income", 20527442),  # 1.1 Översikt
        ("overview", 2025, "operating_costs", -15600326),  # printed without sign; incl. depreciation
        ("overview", 2023, "net_result", -2812499),
        ("overview", 2021, "equity", 5900000),
        ("note", 2025, "member_contribution_total", 19058000),  # Not 1
        ("note", 2024, "member_contribution_total", 19060000),
        ("note", 2025, "admin_costs", -5296881),  # Not 2 varav Driftkostnader
        ("note", 2024, "financial_costs", -11104),  # Not 5
        ("note", 2025, "accounts_payable", 2372210),  # Not 10, printed -2 372 210
    ],
)
def test_annual_report_statements(tables, statement, year, item, expected):
    assert ar(tables, statement=statement, year=year, item=item) == expected


def test_overview_counts_and_ratio(tables):
    assert ar(tables, statement="overview", year=2025, item="employees", column="value") == 4
    assert ar(tables, statement="overview", year=2025, item="equity_ratio", column="value") == 67  # 0,67


def test_operating_statement_budget_and_deviation(tables):
    # 5. Driftsredovisning: budget result 2 180 818, deviation 1 321 055
    assert ar(tables, statement="operating_statement", year=2025, item="net_result", basis="budget") == 2180818
    assert ar(tables, statement="operating_statement", year=2025, item="net_result", basis="avvikelse") == 1321055


def test_equity_guideline_level(tables):
    # 1.2: Nationella rådet recommends "ca 3 miljoner kr"
    section = "1.2. Viktiga förhållanden för resultat och ekonomisk ställning"
    assert ar(tables, statement="text", year=2025, item="equity_guideline_cap", section=section) == 3_000_000


@pytest.mark.parametrize(
    "year, member, value, share",
    [
        (2025, "Försäkringskassan", 9529000, 50),  # printed "Staten 50 %"
        (2024, "Försäkringskassan", 9531000, 50),
        (2025, "Region Halland", 4764500, 25),
        (2024, "Halmstad", 1524640, 8),
        (2025, "Hylte", 190580, 1),
        (2025, "Varberg", 952900, 5),
    ],
)
def test_annual_report_member_contributions(tables, year, member, value, share):
    mc = tables.member_contributions
    assert one(mc, **AR, year=year, basis="utfall", member=member) == value
    assert one(mc, "share_pct", **AR, year=year, basis="utfall", member=member) == share


@pytest.mark.parametrize(
    "year, intervention, section, expected",
    [
        (2025, "Individsamverkansteam Kungsbacka", BILAGA, -2580240),
        (2024, "Individsamverkansteam Halmstad/Hylte", BILAGA, -4536801),
        (2025, "Individsamverkansteam Falkenberg", BILAGA, -1560869),
        (2024, "Totalt", BILAGA, -13393240),
        (2025, "Individinriktade insatser", FUNDED, -10076415),
        (2025, "Strukturövergripande insatser", FUNDED, -197193),
        (2025, "Drift och administration", FUNDED, -5296881),
    ],
)
def test_annual_report_intervention_costs(tables, year, intervention, section, expected):
    row = dict(**AR, year=year, basis="utfall", intervention=intervention, measure="cost", section=section)
    assert one(tables.intervention_finance, **row) == expected


def test_participants_2025(tables):
    p = dict(**AR, intervention="*", group="*")
    assert one(tables.participants, "value", **p, year=2025, measure="active", gender="total") == 416
    assert one(tables.participants, "value", **p, year=2025, measure="active", gender="kvinna") == 62
    assert one(tables.participants, "value", **p, year=2025, measure="active", gender="man") == 38
    assert one(tables.participants, "value", **p, year=2024, measure="carried_over", gender="total") == 184
    assert one(tables.participants, "value", **p, year=2025, measure="referred", gender="total") == 232
    assert one(tables.participants, "value", **p, year=2025, measure="target", gender="total") == 500


@pytest.mark.parametrize(
    "outcome, share", [("work_or_studies", 13), ("continued_rehab", 30), ("health", 45), ("other", 12)]
)
def test_exit_reasons_2025(tables, outcome, share):
    row = dict(**AR, year=2025, intervention="*", outcome=outcome, gender="total")
    assert one(tables.outcomes, "value", **row) == share


def test_number_of_interventions(tables):
    p = dict(**AR, group="*", measure="interventions_count", gender="total")
    assert one(tables.participants, "value", **p, year=2025, intervention="Strukturövergripande insatser") == 14
    assert one(tables.participants, "value", **p, year=2020, intervention="Individinriktade insatser") == 7


# --------------------------------------------------------------------------- minutes 2023-12-15


def test_budget_2024_member_fees_total(tables):
    # "Summa intäkter medlemsavgifter" budget 2024: 19 058 000 kr
    assert minutes(tables, year=2024, basis="budget", item="member_contribution_total", section=INCOME) == 19058000
    assert one(tables.member_contributions, **MIN, year=2024, basis="budget", member="*") == 19058000
    assert minutes(tables, year=2023, basis="prognos", item="member_contribution_total", section=INCOME) == 19108200


@pytest.mark.parametrize(
    "year, basis, member, value",
    [
        (2023, "prognos", "Försäkringskassan", 9554000),  # printed "Staten"
        (2024, "budget", "Region Halland", 4764500),
        (2024, "budget", "Hylte", 190580),
        (2023, "prognos", "Varberg", 955500),
    ],
)
def test_minutes_member_fees(tables, year, basis, member, value):
    assert one(tables.member_contributions, **MIN, year=year, basis=basis, member=member) == value


def test_minutes_totals(tables):
    assert minutes(tables, year=2024, basis="budget", item="net_result") == -1357204  # "- 1 357 204"
    assert minutes(tables, year=2023, basis="prognos", item="net_result") == -1650364
    assert minutes(tables, year=2024, basis="budget", item="equity_opening") == 3830171  # Eget kapital IB
    assert minutes(tables, year=2024, basis="budget", item="operating_costs") == -20415204  # UTGIFTER TOTALT
    # forecast 2023 income printed twice: 19 722 200 (Intäkter) and 20 336 200 (Sammanställning, ESF twice)
    assert minutes(tables, year=2023, basis="prognos", item="operating_income", section=INCOME) == 19722200
    assert minutes(tables, year=2023, basis="prognos", item="operating_income", section=SUMMARY) == 20336200
    assert minutes(tables, year=2023, basis="prognos", item="external_income", section=INCOME) == 614000
    # "Ingång 2025: Eget kapital ca 1 175 tkr"
    assert minutes(tables, statement="text", year=2025, basis="prognos", item="equity_opening") == 1175000


@pytest.mark.parametrize(
    "year, basis, intervention, expected",
    [
        (2024, "budget", "Individsamverkansteam Halmstad/Hylte", -4883998),
        (2023, "prognos", "Individsamverkansteam Laholm", -887719),
        (2023, "prognos", "ESF Progress", -600000),
        (2024, "budget", "Kunskapsutveckling", -230000),
        (2023, "prognos", "Totalt", -14999475),  # Utgifter insatser
        (2024, "budget", "Kansli personal", -3863288),  # Personal (styrelse/kansli)
    ],
)
def test_minutes_intervention_budget(tables, year, basis, intervention, expected):
    row = dict(**MIN, year=year, basis=basis, intervention=intervention, measure="cost")
    assert one(tables.intervention_finance, **row) == expected


def test_comparison_key_figures(tables):
    """The comparison in 2025 takes equity from the balance sheet (the overview says 5 967 664)."""
    from finsam_analysis.document.compare import key_figures

    figures = key_figures(tables, year=2025).set_index("forbund")
    assert figures.loc["halland", "equity_sek"] == pytest.approx(5967665)


def test_report_summary(tables):
    import pandas as pd

    from finsam_analysis.document import sections as report

    summary = next(
        i for i in report.at_a_glance(report.prepare("halland", tables=tables)) if isinstance(i, pd.DataFrame)
    )
    assert summary.loc["Eget kapital vid årets slut", "2025"] == "5\u00a0967\u00a0665\u00a0kr"


# ---- the same document's figures as its report shows them


def test_plan_differences_are_in_the_budget_section_not_data_quality(report_context):
    ctx = report_context("halland")
    budget_text = "\n".join(str(i) for i in report.budget_section(ctx))
    quality_text = "\n".join(str(i) for i in report.data_quality(ctx))
    assert "Budgeterat resultat 2024" in budget_text and "Budgeterat resultat 2024" not in quality_text


def test_halland_forecast_accuracy_is_shown(report_context):
    tables = [item for item in report.budget_section(report_context("halland")) if isinstance(item, pd.DataFrame)]
    forecast = next(t for t in tables if "Prognosfel" in t.columns)
    assert forecast.loc["Årets resultat 2023", "Prognos"] == "\u22121\u00a0650\u00a0364\u00a0kr"
    assert forecast.loc["Årets resultat 2023", "Prognosfel"] == "\u22121\u00a0162\u00a0135\u00a0kr"


def test_data_quality_shows_the_largest_errors_and_the_appendix_all(report_context):
    # 17 errors in the Halland documents: the section shows the five largest, the appendix all 17
    ctx = report_context("halland")
    section = "\n".join(str(i) for i in report.data_quality(ctx))
    appendix = "\n".join(str(i) for i in report.appendix(ctx))
    errors = section.split("**Fel i källdokumenten**")[1].split("**Skillnader i definition**")[0]
    assert errors.count("\n- **") == 5 and "*Ytterligare 12 finns i bilagan.*" in errors
    # the largest first (1 297 967 kr in the minutes), under the title of its document
    assert (
        errors.index("Protokoll från styrelsemöte")
        < errors.index("Texten säger att eget kapital")
        < errors.index("Intäkter 2023")
    )
    assert "**Fel i källdokumenten** (17)" in appendix
    # a finding's label is never cut inside its parentheses
    assert "**Prognos för resultatet 2023 −1 650 364 kr**" in appendix.replace("\u00a0", " ")
    assert "(protokoll**" not in appendix
