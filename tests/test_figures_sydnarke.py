"""Figures read from Samordningsförbundet Sydnärke, Årsredovisning 2024 (seed 003).

Each expected value was read from the document by hand; the section is named in each case.
"""

import io
import re
import zipfile

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from helpers import FigureText, one, reader_text

from finsam_analysis.document import downloads, quality, suppression
from finsam_analysis.document import sections as report

F = dict(forbund="sydnarke", document="arsredovisning-2024")
DRIFT = "5. Driftredovisning"
INSATS = "1.10.3. Uppföljning och resultat av individinsatser"
NOT2 = "Not 2. Verksamhetens intäkter"


def fin(tables, **filters):
    return one(tables.financials, **F, basis=filters.pop("basis", "utfall"), **filters)


@pytest.mark.parametrize(
    "statement, year, item, expected",
    [
        ("income_statement", 2024, "net_result", 200271),  # 2. Resultaträkning
        ("income_statement", 2023, "net_result", 308788),
        ("income_statement", 2024, "operating_income", 5171429),
        ("income_statement", 2024, "operating_costs", -4996117),
        ("income_statement", 2024, "financial_income", 26277),
        ("income_statement", 2024, "financial_costs", -1318),
        ("balance_sheet", 2024, "total_assets", 4620022),  # 3. Balansräkning
        ("balance_sheet", 2024, "equity_other", 801162),
        ("balance_sheet", 2023, "short_term_liabilities", 3435749),
        ("cash_flow", 2024, "cash_flow_from_operations", -171994),  # 4. Kassaflödesanalys
        ("cash_flow", 2023, "cash_opening", 1194427),
        ("overview", 2024, "net_result", 557810),  # 1.6: differs from the RR (registered)
        ("overview", 2022, "net_result", -350632),
        ("overview", 2020, "operating_income", 5971971),
        ("overview", 2021, "operating_costs", -6077235),
    ],
)
def test_financial_statements(tables, statement, year, item, expected):
    assert fin(tables, statement=statement, year=year, item=item) == expected


def test_overview_equity_ratio(tables):
    assert fin(tables, statement="overview", year=2020, item="equity_ratio", column="value") == 51
    assert fin(tables, statement="overview", year=2024, item="equity_ratio", column="value") == 22


def test_notes(tables):
    assert fin(tables, statement="note", year=2023, item="operating_income") == 5221900  # Not 2 Summa
    assert fin(tables, statement="note", year=2024, item="intervention_costs") == -3794318  # Not 3 Projektmedel
    assert fin(tables, statement="note", year=2024, item="accrued_income") == 451429  # Not 4
    assert fin(tables, statement="note", year=2024, item="short_term_liabilities") == 3618589  # Not 5


def test_equity_in_text(tables):
    section = "1.1.2. Resultat för de strukturövergripande insatserna"
    assert fin(tables, statement="text", year=2024, item="equity", section=section) == 1001433
    share = tables.financials.query(
        "forbund == 'sydnarke' and item == 'equity_share_of_contributions' and year == 2024"
    )
    assert sorted(share["value"]) == [21.2, 21.2]  # 1.10 and 5. Driftredovisning
    assert fin(tables, statement="text", year=2024, item="equity_guideline_share", column="value") == 20
    assert fin(tables, statement="text", year=2024, item="balance_requirement_result") == 200271


@pytest.mark.parametrize(
    "year, member, expected",
    [
        (2024, "Försäkringskassan", 2360000),  # printed as "Staten"
        (2024, "Region Örebro län", 1180000),
        (2024, "Kumla", 476636),
        (2024, "Laxå", 116275),
        (2023, "Askersund", 268726),
        (2023, "Hallsberg", 380422),
    ],
)
def test_member_contributions(tables, year, member, expected):
    assert one(tables.member_contributions, **F, year=year, member=member, section=NOT2) == expected


def test_member_contributions_2024_add_up_to_4720000(tables):
    mc = tables.member_contributions.query("forbund == 'sydnarke' and year == 2024")
    assert mc["value_sek"].sum() == 4720000
    kommuner = mc.loc[mc["member_kind"] == "kommun", "value_sek"].sum()
    assert kommuner == 1180000


@pytest.mark.parametrize(
    "year, basis, intervention, measure, expected",
    [
        (2024, "utfall", "Samordningsteamet", "cost", -2968892),
        (2024, "budget", "Samordningsteamet", "net", -2782952),
        (2024, "utfall", "Projekt Ciceron", "income", 451429),
        (2024, "utfall", "Projekt Ciceron", "net", -55744),
        (2024, "utfall", "Administration", "income", 4720000),
        (2024, "utfall", "Totalt", "net", 175312),
        (2024, "budget", "Totalt", "net", 447091),
        (2024, "utfall", "Totalt", "deviation", -271779),
        (2023, "utfall", "Coachingteam Sydnärke", "cost", -2020054),
        (2023, "utfall", "Mottagningsteam", "cost", -1086516),
        (2023, "utfall", "Totalt", "cost", -4913212),
    ],
)
def test_driftredovisning(tables, year, basis, intervention, measure, expected):
    frame = tables.intervention_finance
    assert (
        one(frame, **F, year=year, basis=basis, intervention=intervention, measure=measure, section=DRIFT) == expected
    )


def test_cost_per_participant(tables):
    frame = tables.intervention_finance
    value = one(frame, **F, year=2024, intervention="Samordningsteamet", measure="cost_per_participant")
    assert value == -20475  # "20 475 kr/deltagare", a cost: stored negative


def test_ciceron_gross_budget_and_deviation(tables):
    frame = tables.intervention_finance
    assert (
        one(frame, **F, year=2024, basis="budget", intervention="Projekt Ciceron", measure="cost", section=INSATS)
        == -525849
    )
    assert (
        one(frame, **F, year=2024, basis="utfall", intervention="Projekt Ciceron", measure="deviation", section=INSATS)
        == 18676
    )


def participants(tables, **filters):
    return one(tables.participants, "value", **F, year=2024, **filters)


def test_samordningsteamet_participants(tables):
    assert (
        participants(
            tables,
            intervention="Samordningsteamet",
            group="*",
            measure="active",
            gender="total",
            unit="count",
            section=INSATS,
        )
        == 145
    )
    assert (
        participants(
            tables,
            intervention="Samordningsteamet",
            group="*",
            measure="target",
            gender="total",
            unit="count",
            section=INSATS,
        )
        == 150
    )
    assert (
        participants(
            tables,
            intervention="Samordningsteamet",
            group="*",
            measure="exited",
            gender="total",
            unit="count",
            section=INSATS,
        )
        == 100
    )
    assert (
        participants(
            tables,
            intervention="Samordningsteamet",
            group="*",
            measure="active",
            gender="kvinna",
            unit="pct",
            section=INSATS,
        )
        == 60
    )
    assert (
        participants(
            tables,
            intervention="Samordningsteamet",
            group="Försäkringskassan",
            measure="referred",
            gender="total",
            unit="pct",
            section=INSATS,
        )
        == 50
    )


def test_ciceron_participants(tables):
    assert (
        participants(tables, intervention="Projekt Ciceron", group="*", measure="active", gender="total", unit="count")
        == 9
    )
    assert (
        participants(tables, intervention="Projekt Ciceron", group="*", measure="active", gender="man", unit="pct")
        == 67
    )
    assert (
        participants(tables, intervention="Projekt Ciceron", group="*", measure="active", gender="annat", unit="pct")
        == 11
    )


def test_all_individual_participants_and_structural_contacts(tables):
    assert participants(tables, intervention="*", group="*", measure="active", gender="total", unit="count") == 154
    assert (
        participants(tables, intervention="Rehabmässan", group="*", measure="contacts", gender="total", unit="count")
        == 250
    )


def test_step_progress(tables):
    frame = tables.outcomes
    assert (
        one(frame, "value", **F, year=2024, intervention="Samordningsteamet", outcome="step_progress", unit="count")
        == 66
    )
    pct = frame.query("forbund == 'sydnarke' and outcome == 'step_progress' and unit == 'pct'")
    assert list(pct["value"]) == [66, 66]
    assert set(pct["base"]) == {"exited"}


def test_indicator_survey(tables):
    frame = tables.indicator_survey
    assert one(frame, "value", **F, year=2024, indicator="*", measure="respondents") == 34
    assert one(frame, "value", **F, year=2024, indicator="*", measure="response_rate") == 34
    ready = "Känner du dig mer redo att kunna arbeta eller studera jämfört med innan du startade hos oss?"
    assert one(frame, "value", **F, year=2024, indicator=ready, measure="positive_share") == 51
    assert one(frame, "value", **F, year=2023, indicator=ready, measure="positive_share") == 65
    support = "Har du fått stöd i dina kontakter med myndigheter och vården?"
    assert one(frame, "value", **F, year=2023, indicator=support, measure="positive_share") == 100


def test_comparison_key_figures(tables):
    from finsam_analysis.document.compare import display_table, key_figures

    figures = key_figures(tables, year=2024).set_index("forbund")
    assert figures.loc["sydnarke", "equity_pct_of_contributions"] == pytest.approx(21.2168, abs=1e-3)
    assert figures.loc["sydnarke", "operating_costs_sek"] == pytest.approx(4996117)
    assert (
        display_table(figures.reset_index()).loc["Samordningsförbundet Sydnärke", "Eget kapital i % av bidragen"]
        == "21,2\u00a0%"
    )


def test_report_summary(tables):
    import pandas as pd

    from finsam_analysis.document import sections as report

    summary = next(
        i for i in report.at_a_glance(report.prepare("sydnarke", tables=tables)) if isinstance(i, pd.DataFrame)
    )
    assert summary.loc["Soliditet", "2024"] == "21,7\u00a0%"


# ---- the same document's figures as its report shows them


def test_no_masked_value_reaches_a_label(report_context):
    # Sydnärke's Ciceron (9: 6 men, 2 women, 1 annat): every part masked, in the table and the chart
    ctx = report_context("sydnarke")
    items = report.participants_section(ctx)
    table = next(i for i in items if isinstance(i, pd.DataFrame))
    assert set(table.loc["Projekt Ciceron – aktuella under året", ["Kvinnor", "Män", "Annat"]]) == {suppression.MASK}
    chart = FigureText(next(i for i in items if isinstance(i, plt.Figure)))
    assert not [v for v in chart.values if re.fullmatch(r"[1-4]|<\d+|6", v.strip())]
    assert suppression.MASK in chart.values
    # a gender the source does not give is not drawn as zero (Samordningsteamet has no "annat")
    assert chart.values.count("0") == 0


def test_survey_respondents_are_masked_like_counts(report_context):
    ctx = report_context("sydnarke", 50)
    shown = " ".join(reader_text([("s", i) for i in report.survey_section(ctx)]))
    assert "34" not in shown.replace("34\u00a0%", "")  # 34 respondents < 50: masked, and so are their shares
    assert suppression.MASK in shown


def test_data_quality_material_first_by_size_roundings_counted(report_context):
    ctx = report_context("sydnarke")
    material = quality.material_findings(ctx)
    assert material["difference"].iloc[0] == 357_539 and list(material["size"]) == sorted(
        material["size"], reverse=True
    )
    text = "\n".join(str(i) for i in report.data_quality(ctx))
    assert text.index("Fel i källdokumenten") < text.index("Skillnader i definition") < text.index("Avrundningar:")
    assert "2 differenser beror på att tryckta belopp avrundats" in text
    assert "+357\u00a0539\u00a0kr" in text


def test_csv_zip_has_every_table_with_swedish_headers(report_context):
    ctx = report_context("sydnarke")
    data = zipfile.ZipFile(io.BytesIO(downloads.csv_zip_bytes(ctx, report.section_tables(ctx))))
    names = data.namelist()
    assert "kallor.csv" in names and any("aret-i-korthet" in n for n in names)
    first = pd.read_csv(
        io.BytesIO(data.read(next(n for n in names if "aret-i-korthet" in n))),
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
    )
    assert first.columns[0] == "Nyckeltal"
    assert first.loc[first["Nyckeltal"] == "Årets resultat", "2024"].iloc[0] == pytest.approx(200271)


def test_ciceron_small_groups_are_masked_with_their_complement(report_context):
    table = report.participants_section(report_context("sydnarke"))[1]
    row = table.loc["Projekt Ciceron – aktuella under året"]
    assert (row["Kvinnor"], row["Män"], row["Annat"], row["Totalt"]) == ("×", "×", "×", "9")


def test_a_higher_threshold_masks_more(report_context):
    ctx = report_context("sydnarke", 100)
    table = report.participants_section(ctx)[1]
    assert table.loc["Samordningsteamet – aktuella under året", "Män"] == "×"


def test_index_lists_full_names_key_figures_and_links(tmp_path):
    from finsam_analysis.publish.index import render_index

    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "sydnarke.html").write_text("x")
    (tmp_path / "2024" / "sydnarke.xlsx").write_text("x")
    (tmp_path / "jamforelse.html").write_text("x")
    (tmp_path / "validering.html").write_text("x")
    record = {
        "format": 1,
        "reports": {
            "2024/sydnarke": {
                "forbund": "sydnarke",
                "year": 2024,
                "status": "ok",
                "succeeded_at": "2026-12-01T10:00:00+00:00",
            }
        },
    }
    page = render_index(record, tmp_path)
    assert "Samordningsförbundet Sydnärke" in page and "2026-12-01" in page
    assert "resultat 200\u00a0tkr" in page and "154 aktuella deltagare" in page
    assert 'href="jamforelse.html"' in page and 'href="validering.html"' in page and 'href="2024/sydnarke.xlsx"' in page


@pytest.mark.slow
def test_a_real_report_is_self_contained_with_its_downloads(tmp_path):
    """One real kernel: the template rendered by the runner (no network, downloads beside it)."""
    from finsam_analysis.data.targets import ReportTarget
    from finsam_analysis.publish.runner import run_reports

    summary = run_reports([ReportTarget("sydnarke", 2024)], out_dir=tmp_path, jobs=1, progress=False)
    assert summary.ok, summary.format()
    html = (tmp_path / "2024" / "sydnarke.html").read_text(encoding="utf-8")
    assert "<title>Samordningsförbundet Sydnärke: analys av 2024</title>" in html
    assert not re.findall(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)=["']?(https?:)?//""", html)
    assert "<script" not in html and "report.show" not in html and "publish_downloads" not in html
    book = pd.read_excel(tmp_path / "2024" / "sydnarke.xlsx", sheet_name=None)
    sheet = book["Året i korthet 2024"]
    assert sheet.loc[sheet.iloc[:, 0] == "Årets resultat", "2024"].iloc[0] == pytest.approx(200271)
    assert "200\u00a0271\u00a0kr" in html  # the same figure in the document
    assert zipfile.ZipFile(tmp_path / "2024" / "sydnarke-tabeller.zip").namelist()
    # a run with another threshold writes beside it, not over it
    again = run_reports(
        [ReportTarget("sydnarke", 2024)],
        out_dir=tmp_path,
        jobs=1,
        progress=False,
        extra_parameters={"suppression_threshold": 10},
    )
    assert again.ok and (tmp_path / "2024" / "sydnarke--troskel-10.html").exists()
    assert (tmp_path / "2024" / "sydnarke.html").read_text(encoding="utf-8") == html
