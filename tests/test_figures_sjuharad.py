"""Figures read from Sjuhärads samordningsförbund, Årsredovisning 2024 (seed 001).

Each expected value was read from the document by hand; the section is named in each case.
Money is compared in kronor (value_sek), counts and percentages in value.
"""

import io
import re

import pandas as pd
import pytest
from helpers import kommun_table, one

from finsam_analysis.document import downloads, suppression
from finsam_analysis.document import sections as report

F = dict(forbund="sjuharad", document="arsredovisning-2024")
OVERVIEW = "1.1. Översikt över verksamhetens utveckling"
NOT2 = "Not 2. Verksamhetens intäkter"
DRIFT = "5. Driftredovisning"
PER_AREA = "5. Driftredovisning: Nettokostnad och finansnetto i tkr per område"
UPPF = "1.5. Uppföljning av verksamheten"
MALGRUPPER = "1.5. Målgrupper"
INDIVID = "1.5. Uppföljning och resultat för individinriktade insatser"


def fin(tables, column="value_sek", **filters):
    return one(tables.financials, column, **F, basis=filters.pop("basis", "utfall"), **filters)


@pytest.mark.parametrize(
    "statement, year, item, expected",
    [
        ("income_statement", 2024, "net_result", 246185.14),  # 2. Resultaträkning, RES3
        ("income_statement", 2023, "net_result", -804994.37),
        ("income_statement", 2024, "operating_income", 4718094.05),
        ("income_statement", 2024, "operating_costs", -22704789.01),
        ("income_statement", 2024, "operating_result", -17986694.96),  # RES1
        ("income_statement", 2024, "member_contribution_total", 18022000.00),
        ("income_statement", 2023, "financial_income", 197579.21),
        ("income_statement", 2024, "financial_items_total", 18232880.10),
        ("balance_sheet", 2024, "total_assets", 11708396.07),  # 3. Balansräkning, UB
        ("balance_sheet", 2024, "equity", 3284068.63),
        ("balance_sheet", 2024, "equity_other", 3037883.49),
        ("balance_sheet", 2023, "short_term_liabilities", 6516362.21),  # IB 2024-01-01
        ("cash_flow", 2024, "change_in_cash", 10173.37),  # 4. Kassaflödesanalys
        ("cash_flow", 2023, "change_in_working_capital", -420823.39),
    ],
)
def test_statement_figures(tables, statement, year, item, expected):
    assert fin(tables, statement=statement, year=year, item=item) == pytest.approx(expected)


@pytest.mark.parametrize(
    "year, item, column, expected",
    [
        (2024, "member_contribution_total", "value_sek", 18022000),  # rad 1
        (2019, "member_contribution_total", "value_sek", 19087000),
        (2021, "external_income", "value_sek", 10859000),  # rad 2
        (2022, "operating_costs", "value_sek", -25020000),
        (2020, "net_result", "value_sek", 378000),  # printed 378 although the column sums to 381
        (2023, "net_result", "value_sek", -805000),
        (2022, "total_assets", "value_sek", 12802000),  # Soliditet "3843/ 12 802 30%"
        (2020, "equity", "value_sek", 3750000),
        (2024, "equity_ratio", "value", 28),
        (2019, "equity_ratio", "value", 33),
        (2024, "employees", "value", 0),
    ],
)
def test_overview_figures(tables, year, item, column, expected):
    assert fin(tables, column, statement="overview", year=year, item=item, section=OVERVIEW) == pytest.approx(expected)


def test_note_figures(tables):
    kassa = "Not 4. Noter till Balansräkning, Not 2 Kassa och bank"
    assert fin(tables, statement="note", year=2024, item="bank_bankgiro", section=kassa) == pytest.approx(5100251.73)
    assert fin(tables, statement="note", year=2023, item="bank_plusgiro", section=kassa) == pytest.approx(11274.92)
    verksamhet = "Not 3. Resultaträkning, Not 2 Verksamhetsanknutna kostnader"
    assert fin(tables, statement="note", year=2024, item="activity_services", section=verksamhet) == pytest.approx(
        -20691706.70
    )
    assert fin(tables, statement="note", year=2024, item="activity_other_costs", section=verksamhet) == pytest.approx(
        387231.50
    )
    assert fin(tables, statement="note", year=2024, item="audit_costs") == pytest.approx(-88800)


def test_text_figures(tables):
    assert fin(tables, statement="text", year=2024, item="equity_guideline_cap") == pytest.approx(2902000)  # 1.2
    assert fin(tables, statement="text", year=2024, item="equity_minimum_need") == pytest.approx(2000000)
    assert fin(tables, statement="text", year=2024, item="balance_requirement_result") == pytest.approx(246000)
    assert (
        fin(tables, "value", statement="text", year=2024, item="individual_interventions_share", section=OVERVIEW) == 69
    )
    assert fin(tables, basis="budget", statement="text", year=2024, item="net_result") == pytest.approx(-1663000)


@pytest.mark.parametrize(
    "member, kind, expected",
    [
        ("Försäkringskassan", "staten", 4505500),
        ("Arbetsförmedlingen", "staten", 4505500),
        ("Västra Götalandsregionen", "region", 4505500),  # printed "Delregionala nämnden södra"
        ("Borås", "kommun", 2252100),
        ("Bollebygd", "kommun", 191000),
        ("Herrljunga", "kommun", 186600),
        ("Vårgårda", "kommun", 242200),
        ("*", "kommun", 4505500),  # row "Kommuner"
        ("*", "*", 18022000),  # row "Totalt"
    ],
)
def test_member_contributions(tables, member, kind, expected):
    mc = tables.member_contributions
    assert one(mc, **F, year=2024, member=member, member_kind=kind, section=NOT2) == pytest.approx(expected)


@pytest.mark.parametrize(
    "year, basis, intervention, measure, section, expected",
    [
        (2024, "utfall", "Aktiv Kraft Borås", "cost", PER_AREA, -6340000),
        (2024, "utfall", "Gröna Vägen Framåt", "cost", PER_AREA, -1835000),
        (2024, "utfall", "Aktiv Kraft Ulricehamn", "cost", PER_AREA, -1550000),
        (2024, "budget", "Kansli", "cost", PER_AREA, -1780000),
        (2024, "utfall", "Kansli projektledningspersonal", "deviation", PER_AREA, 544000),
        (2024, "budget", "Ordinarie", "cost", PER_AREA, -19685000),  # summa
        (2024, "utfall", "Vilja", "cost", PER_AREA, -4129000),
        (2024, "utfall", "Återförd uppbokning ESF-projekt", "cost", PER_AREA, 600000),
        (2024, "utfall", "Ordinarie", "cost", DRIFT, -18609000),  # printed without sign
        (2024, "budget", "Ordinarie", "net", DRIFT, -1663000),
        (2024, "utfall", "Totalt", "income", DRIFT, 22954000),
        (2023, "utfall", "Ordinarie", "cost", DRIFT, -19816000),
        (2024, "utfall", "Vilja", "income", "2. Resultaträkning", 4718108.00),
        (2023, "utfall", "PRIA", "income", "2. Resultaträkning", 1642775.00),
    ],
)
def test_intervention_finance(tables, year, basis, intervention, measure, section, expected):
    got = one(
        tables.intervention_finance,
        **F,
        year=year,
        basis=basis,
        intervention=intervention,
        measure=measure,
        section=section,
    )
    assert got == pytest.approx(expected)


@pytest.mark.parametrize(
    "year, intervention, group, measure, gender, unit, section, expected",
    [
        (2024, "*", "*", "active", "kvinna", "count", MALGRUPPER, 426),
        (2024, "*", "*", "active", "man", "count", MALGRUPPER, 224),
        (2024, "*", "*", "active", "total", "count", UPPF, 650),
        (2024, "*", "*", "target", "total", "count", UPPF, 659),
        (2024, "*", "Borås", "active", "kvinna", "count", UPPF, 227),
        (2024, "*", "Mark", "active", "man", "count", UPPF, 45),
        (2024, "*", "Vårgårda", "active", "man", "count", UPPF, 7),
        (2023, "*", "*", "active", "man", "count", MALGRUPPER, 183),  # the document disagrees with itself:
        (2023, "*", "*", "active", "man", "count", INDIVID, 192),  # both places are curated
        (2023, "*", "*", "target", "total", "count", INDIVID, 770),
        (2024, "*", "*", "capacity_used", "total", "pct", UPPF, 98.6),
        (2024, "Vilja", "*", "contacts", "kvinna", "count", UPPF, 542),
        (2024, "Strukturövergripande insatser", "*", "contacts", "total", "count", MALGRUPPER, 941),
        (2024, "Möten och utbildningar", "*", "contacts", "total", "count", MALGRUPPER, 287),
    ],
)
def test_participants(tables, year, intervention, group, measure, gender, unit, section, expected):
    got = one(
        tables.participants,
        "value",
        **F,
        year=year,
        intervention=intervention,
        group=group,
        measure=measure,
        gender=gender,
        unit=unit,
        section=section,
    )
    assert got == pytest.approx(expected)


@pytest.mark.parametrize(
    "outcome, expected",
    [("work_or_studies", 20), ("work", 12), ("studies", 8), ("gemensam_kartlaggning", 45), ("continued_rehab", 60)],
)
def test_outcomes(tables, outcome, expected):
    assert one(tables.outcomes, "value", **F, year=2024, intervention="*", outcome=outcome, gender="total") == expected


def test_comparison_key_figures(tables):
    """The comparison (document.compare) in 2024: result, equity cap, the display format."""
    from finsam_analysis.document.compare import display_table, key_figures

    figures = key_figures(tables, year=2024).set_index("forbund")
    assert figures.loc["sjuharad", "net_result_sek"] == pytest.approx(246185.14)
    assert figures.loc["sjuharad", "equity_cap_sek"] == pytest.approx(2902200)
    assert display_table(figures.reset_index()).loc["Sjuhärads samordningsförbund", "Årets resultat"] == "246\u00a0tkr"


def test_report_summary(tables):
    import pandas as pd

    from finsam_analysis.document import sections as report

    summary = next(
        i for i in report.at_a_glance(report.prepare("sjuharad", tables=tables)) if isinstance(i, pd.DataFrame)
    )
    assert summary.loc["Årets resultat", "2024"] == "246\u00a0185\u00a0kr"
    assert summary.loc["Årets resultat", "2023"] == "\u2212804\u00a0994\u00a0kr"
    assert summary.loc["Årets resultat", "Förändring"] == "+1\u00a0051\u00a0180\u00a0kr"
    assert summary.loc["Årets resultat", "Förändring %"] == "–"  # a % of a sign change says nothing
    assert summary.loc["Medlemsbidrag", "Förändring %"] == "\u22125,2\u00a0%"


# ---- the same document's figures as its report shows them


def test_sjuharad_budget_per_insats_leaves_out_ordinarie(report_context):
    tables = [i for i in report.budget_section(report_context("sjuharad")) if isinstance(i, pd.DataFrame)]
    per_insats = tables[0]
    assert "Ordinarie" not in per_insats.index and "Aktiv Kraft Borås" in per_insats.index
    assert per_insats.loc["Summa, alla insatser ovan", "Budget"] == "19\u00a0685\u00a0000\u00a0kr"


def test_complementary_suppression_across_outcome_breakdowns(report_context):
    # Sjuhärad 2024: arbete 12 + studier 8 = arbete eller studier 20; at threshold 10, studier
    # is small and arbete must go too (20 − 12 = 8)
    ctx = report_context("sjuharad", 10)
    table = next(i for i in report.outcomes_section(ctx) if isinstance(i, pd.DataFrame))
    assert table.loc["Hela förbundet – Studier", "Antal"] == suppression.MASK
    assert table.loc["Hela förbundet – Arbete", "Antal"] == suppression.MASK
    assert table.loc["Hela förbundet – Arbete eller studier", "Antal"] == "20"


def test_cost_per_participant_of_the_whole_forbund(report_context):
    whole = report.whole_forbund_cost_per_participant(report_context("sjuharad"))
    assert whole["cost_sek"] == 15_375_000 and whole["participants"] == 650
    text = " ".join(str(i) for i in report.cost_per_participant_section(report_context("sjuharad")))
    assert "≈ 23\u00a0654\u00a0kr per deltagare" in text and "aktuella under året" in text


def test_year_at_a_glance_sentences(report_context):
    items = report.at_a_glance(report_context("sjuharad"))
    text = str(items[1])
    assert 3 <= text.count("\n- ") + 1 <= 6
    assert "överskott på 246\u00a0185\u00a0kr" in text and "balanskravet är uppfyllt" in text
    assert "381\u00a0869\u00a0kr över riktvärdet" in text
    assert "650 deltagare" in text


def test_definitions_say_where_member_contributions_are_booked(report_context):
    text = "\n".join(str(i) for i in report.definitions(report_context("sjuharad")))
    assert "Medlemsbidragen redovisas bland de finansiella posterna" in text


def test_workbook_holds_the_figures_the_document_shows(report_context):
    ctx = report_context("sjuharad")
    tables = report.section_tables(ctx)
    book = pd.read_excel(io.BytesIO(downloads.workbook_bytes(ctx, tables)), sheet_name=None)
    assert (
        list(book)[:2] == ["Året i korthet 2024", "Att tänka på vid jämförelser"][: len(book)]
        or "Året i korthet 2024" in book
    )
    assert "Källor och förklaringar" in book
    sheet = book["Året i korthet 2024"]
    row = sheet[sheet.iloc[:, 0] == "Årets resultat"].iloc[0]
    assert row["2024"] == pytest.approx(246185) and row["2023"] == pytest.approx(-804994)
    # every table: the same numbers as the displayed cells, sheet by sheet, table by table
    for head, frames in tables:
        name = next(n for n in book if n.startswith(re.sub(r"[\[\]:*?/\\]", " ", head)[:31].strip()[:28]))
        first = frames[0]
        expected = downloads.numeric(first)
        got = book[name].iloc[: len(expected)]
        for column in expected.columns:
            for want, have in zip(expected[column], got[column]):
                if isinstance(want, float):
                    assert have == pytest.approx(want), (head, column)
                else:
                    assert str(have) == str(want) or (pd.isna(have) and str(want) in ("", "nan")), (head, column)


def test_participants_per_kommun_and_gender(report_context):
    table = kommun_table(report_context("sjuharad"))
    assert table.loc["Bollebygd"].tolist() == ["17", "18", "35"]
    assert table.loc["Hela förbundet"].tolist() == ["426", "224", "650"]


def test_per_kommun_table_masks_small_cells_and_their_complements(report_context):
    ctx = report_context("sjuharad", 10)
    table = kommun_table(ctx)
    assert table.loc["Herrljunga", "Män"] == "×"
    assert table.loc["Herrljunga", "Kvinnor"] == "×"  # 34 - 9 would reveal the men
    shown = [cell for cell in table.to_numpy().ravel() if cell.isdigit()]
    assert all(int(cell) >= 10 for cell in shown)
