"""Content rules of the analysis document (issue 12, "Done when"), on every förbund in the data.

Sections are rendered in process: no kernel. Which förbund exist is read from the data; the
per-document figures checked here are the documents' own (Sjuhärad 2024, Sydnärke 2024).
"""

import io
import re
import zipfile
from dataclasses import replace

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from finsam_analysis.data import paths
from finsam_analysis.document import downloads, fmt, parameters, quality, suppression
from finsam_analysis.document import sections as report

# English words a Swedish reader must never meet (as whole words), and shapes of code ids.
ENGLISH = re.compile(
    r"\b(the|and|of|with|registered|rounding|overview|income statement|balance sheet|explanation|missing|check|none|nan|null|true|false|cost|participants?|exited|active)\b",
    re.IGNORECASE,
)
CODE_ID = re.compile(r"repeated:|\b[a-z]+_[a-z0-9_]+\b|\barsredovisning-\d{4}\b|\bprotokoll-\d{4}|\.csv\b|<NA>")


@pytest.fixture(scope="module")
def contexts(tables):
    return {slug: report.prepare(slug, tables=tables) for slug in sorted(tables.forbund["forbund"])}


@pytest.fixture(scope="module")
def rendered(contexts):
    """Every section's items per förbund; figures reduced to their texts and tick labels."""
    out = {}
    for slug, ctx in contexts.items():
        items = []
        for name, section_items in report.all_items(ctx):
            for item in section_items:
                if isinstance(item, plt.Figure):
                    items.append((name, FigureText(item)))
                    plt.close(item)
                else:
                    items.append((name, item))
        out[slug] = items
    return out


class FigureText:
    """The words and numbers a chart shows: titles, labels, tick labels, legend, value labels."""

    def __init__(self, fig):
        texts = [report.alt_text(fig)]
        for ax in fig.axes:
            texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
            texts += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels() + ax.texts]
        for legend in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
            texts += [t.get_text() for t in legend.get_texts()]
        self.texts = [t for t in texts if t]
        self.yticks = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
        self.values = [t.get_text() for ax in fig.axes for t in ax.texts]


def reader_text(items) -> list[str]:
    texts = []
    for _, item in items:
        if isinstance(item, FigureText):
            texts += item.texts
        elif isinstance(item, pd.DataFrame):
            shown = report.compact(item)
            texts += [str(c) for c in shown.columns] + [str(i) for i in shown.index]
            texts += [str(v) for v in shown.to_numpy().ravel()]
            texts += [str(shown.columns.name or ""), str(shown.index.name or "")]
        else:
            # links and the small tags are markup, not text
            texts.append(re.sub(r"<[^>]+>", " ", str(item)))
    return texts


def summa_names(ctx) -> set[str]:
    inter = ctx.tables.interventions
    return set(inter.loc[inter["kind"] == "summa", "intervention"])


def parents_of(ctx, names: set[str]) -> set[str]:
    """Rows that are the parent of another row shown: a subtotal shown beside its parts."""
    inter = ctx.tables.interventions
    if "parent" not in inter:
        return set()
    return set(inter.loc[inter["intervention"].isin(names), "parent"].dropna()) & names


def test_no_subtotal_is_shown_as_an_insats(contexts, rendered):
    for slug, items in rendered.items():
        ctx = contexts[slug]
        banned = summa_names(ctx)
        for name, item in items:
            if name not in ("budget_section", "cost_per_participant_section"):
                continue
            if isinstance(item, pd.DataFrame):
                shown = set(map(str, item.index))
                assert not banned & shown and not parents_of(ctx, shown), (slug, name)
            if isinstance(item, FigureText):
                shown = {t.replace("\n", " ") for t in item.yticks}
                assert not banned & shown and not parents_of(ctx, shown), (slug, name)


def test_sjuharad_budget_per_insats_leaves_out_ordinarie(contexts):
    tables = [i for i in report.budget_section(contexts["sjuharad"]) if isinstance(i, pd.DataFrame)]
    per_insats = tables[0]
    assert "Ordinarie" not in per_insats.index and "Aktiv Kraft Borås" in per_insats.index
    assert per_insats.loc["Summa, alla insatser ovan", "Budget"] == "19\u00a0685\u00a0000\u00a0kr"


def test_no_masked_value_reaches_a_label(tables):
    # Sydnärke's Ciceron (9: 6 men, 2 women, 1 annat): every part masked, in the table and the chart
    ctx = report.prepare("sydnarke", tables=tables)
    items = report.participants_section(ctx)
    table = next(i for i in items if isinstance(i, pd.DataFrame))
    assert set(table.loc["Projekt Ciceron – aktuella under året", ["Kvinnor", "Män", "Annat"]]) == {suppression.MASK}
    chart = FigureText(next(i for i in items if isinstance(i, plt.Figure)))
    assert not [v for v in chart.values if re.fullmatch(r"[1-4]|<\d+|6", v.strip())]
    assert suppression.MASK in chart.values
    # a gender the source does not give is not drawn as zero (Samordningsteamet has no "annat")
    assert chart.values.count("0") == 0


def test_masked_cells_have_one_symbol_and_a_legend(contexts, rendered):
    for _slug, items in rendered.items():
        text = " ".join(reader_text(items))
        assert "<5" not in text and "&lt;5" not in text
        if suppression.MASK in text:
            assert "× = dolt för att skydda enskilda" in text


def test_no_english_and_no_code_ids_in_reader_text(contexts, rendered):
    for slug, items in rendered.items():
        for text in reader_text(items):
            # source titles and section names are the documents' own Swedish words
            hits = ENGLISH.findall(text) + CODE_ID.findall(text)
            assert not hits, (slug, hits, text[:200])


def test_complementary_suppression_across_outcome_breakdowns(tables):
    # Sjuhärad 2024: arbete 12 + studier 8 = arbete eller studier 20; at threshold 10, studier
    # is small and arbete must go too (20 − 12 = 8)
    ctx = report.prepare("sjuharad", suppression_threshold=10, tables=tables)
    table = next(i for i in report.outcomes_section(ctx) if isinstance(i, pd.DataFrame))
    assert table.loc["Hela förbundet – Studier", "Antal"] == suppression.MASK
    assert table.loc["Hela förbundet – Arbete", "Antal"] == suppression.MASK
    assert table.loc["Hela förbundet – Arbete eller studier", "Antal"] == "20"


def test_outcomes_that_add_up_to_their_base_are_closed():
    rates = pd.DataFrame(
        {
            "forbund": "x",
            "year": 2024,
            "intervention": "*",
            "gender": "total",
            "base": "exited",
            "outcome": ["work", "health", "other"],
            "count": [3.0, 30.0, 17.0],
            "base_count": 50.0,
            "rate_pct": [6.0, 60.0, 34.0],
        }
    )
    out = suppression.suppress_outcomes(rates, 5)
    assert out["count_display"].tolist() == ["×", "30", "×"]  # 50 − 30 − 17 would give 3
    assert out["rate_pct_display"].tolist()[0] == "×"


def test_survey_respondents_are_masked_like_counts(tables):
    ctx = report.prepare("sydnarke", suppression_threshold=50, tables=tables)
    shown = " ".join(reader_text([("s", i) for i in report.survey_section(ctx)]))
    assert "34" not in shown.replace("34\u00a0%", "")  # 34 respondents < 50: masked, and so are their shares
    assert suppression.MASK in shown


def test_cost_per_participant_of_the_whole_forbund(contexts):
    whole = report.whole_forbund_cost_per_participant(contexts["sjuharad"])
    assert whole["cost_sek"] == 15_375_000 and whole["participants"] == 650
    text = " ".join(str(i) for i in report.cost_per_participant_section(contexts["sjuharad"]))
    assert "≈ 23\u00a0654\u00a0kr per deltagare" in text and "aktuella under året" in text


def test_year_at_a_glance_sentences(contexts):
    items = report.at_a_glance(contexts["sjuharad"])
    text = str(items[1])
    assert 3 <= text.count("\n- ") + 1 <= 6
    assert "överskott på 246\u00a0185\u00a0kr" in text and "balanskravet är uppfyllt" in text
    assert "381\u00a0869\u00a0kr över riktvärdet" in text
    assert "650 deltagare" in text


def test_data_quality_material_first_by_size_roundings_counted(contexts):
    ctx = contexts["sydnarke"]
    material = quality.material_findings(ctx)
    assert material["difference"].iloc[0] == 357_539 and list(material["size"]) == sorted(
        material["size"], reverse=True
    )
    text = "\n".join(str(i) for i in report.data_quality(ctx))
    assert text.index("Fel i källdokumenten") < text.index("Skillnader i definition") < text.index("Avrundningar:")
    assert "2 differenser beror på att tryckta belopp avrundats" in text
    assert "+357\u00a0539\u00a0kr" in text


def test_every_registered_finding_has_a_swedish_explanation(contexts):
    for ctx in contexts.values():
        reg = ctx.registered
        assert not reg["explanation_sv"].str.contains("Förklaring på svenska saknas").any()


def test_plan_differences_are_in_the_budget_section_not_data_quality(contexts):
    ctx = contexts["halland"]
    budget_text = "\n".join(str(i) for i in report.budget_section(ctx))
    quality_text = "\n".join(str(i) for i in report.data_quality(ctx))
    assert "Budgeterat resultat 2024" in budget_text and "Budgeterat resultat 2024" not in quality_text


def test_definitions_say_where_member_contributions_are_booked(contexts):
    text = "\n".join(str(i) for i in report.definitions(contexts["sjuharad"]))
    assert "Medlemsbidragen redovisas bland de finansiella posterna" in text


def test_curated_text_is_escaped(contexts):
    ctx = replace(contexts["sjuharad"], name="Sjuhärad <script>alert(1)</script>")
    title = str(report.title(ctx)[0])
    assert "<script" not in title and "&lt;script&gt;" in title
    assert fmt.md('<iframe src="javascript:alert(1)">') == "&lt;iframe src=&quot;javascript:alert\\(1\\)&quot;&gt;"
    # a section name with an iframe, as curated: listed in the appendix, inert
    fin = ctx.tables.financials.copy()
    fin.loc[fin.index[0], "section"] = "<iframe src=javascript:alert(1)>"
    hostile = replace(ctx, tables=replace(ctx.tables, financials=fin))
    appendix = "\n".join(str(i) for i in report.appendix(hostile) if isinstance(i, str))
    assert "<iframe" not in appendix and "&lt;iframe" in appendix


def test_escaped_text_stays_inert_in_the_html():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from finsam_analysis.publish.render import export_html

    name = fmt.md("Sjuhärad <script>alert(1)</script> <iframe src=javascript:alert(2)>")
    cell = new_code_cell(
        "x", outputs=[new_output("display_data", data={"text/markdown": f"# {name}", "text/plain": "x"})]
    )
    html = export_html(new_notebook(cells=[new_markdown_cell("Rapport"), cell]), "t")
    assert "<script>alert" not in html and "<iframe" not in html
    assert "&lt;script&gt;alert" in html


def test_no_external_url_is_loaded_by_a_document():
    from nbformat.v4 import new_markdown_cell, new_notebook

    from finsam_analysis.publish.render import export_html

    html = export_html(new_notebook(cells=[new_markdown_cell("# Rapport\n\n$x^2$")]), "t")
    loads = re.findall(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)=["']?(https?:)?//""", html)
    assert not loads and "<script" not in html
    assert "@media print" in html  # the print stylesheet is inlined


def test_workbook_holds_the_figures_the_document_shows(contexts):
    ctx = contexts["sjuharad"]
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


def test_csv_zip_has_every_table_with_swedish_headers(contexts):
    ctx = contexts["sydnarke"]
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


def test_parse_cell_reads_swedish_figures():
    assert downloads.parse_cell("18\u00a0022\u00a0tkr") == 18_022_000
    assert downloads.parse_cell("\u2212804\u00a0994\u00a0kr") == -804_994
    assert downloads.parse_cell("21,2\u00a0%") == pytest.approx(0.212)
    assert downloads.parse_cell("≈ 258") == 258
    assert downloads.parse_cell("×") == "×"


def test_non_default_parameters_get_their_own_path(tmp_path):
    assert parameters.variant({"forbund": "halland", "year": 2025, "suppression_threshold": 5}) == ""
    assert parameters.variant({"suppression_threshold": 10, "base_year": 2020}) == "--basar-2020--troskel-10"
    assert paths.report_file(tmp_path, "halland", 2025, ".html", "--troskel-10").name == "halland--troskel-10.html"
    assert paths.report_file(tmp_path, "halland", 2025).name == "halland.html"
    with pytest.raises(ValueError):
        paths.report_file(tmp_path, "halland", 2025, ".html", "/../x")


def test_provenance_is_in_the_title(contexts):
    ctx = contexts["halland"]
    text = str(report.title(ctx)[0])
    assert f"dataversion {ctx.data_version}" in text and re.search(r"Skapad \d{4}-\d\d-\d\d \d\d:\d\d", text)
    assert 'href="halland.xlsx"' in text


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


def test_a_sparse_forbund_gets_a_whole_document_without_errors(synthetic_raw):
    """A förbund with only an income statement, a balance sheet and member contributions (no
    insatser, no participants, no outcomes, no survey): every section says so in one sentence."""
    from finsam_analysis.data.build import build_tables

    tables = build_tables(synthetic_raw)
    ctx = report.prepare("testforbund", tables=tables)
    texts = []
    for name, items in report.all_items(ctx):
        assert items and isinstance(items[0], report.Markdown), name
        for item in items:
            if isinstance(item, plt.Figure):
                plt.close(item)
        texts += reader_text([(name, i) for i in items if not isinstance(i, plt.Figure)])
    text = " ".join(texts)
    assert "Deltagare per kön: uppgifter saknas i källdokumenten." in text
    assert "Året gav ett överskott på 100\u00a0000\u00a0kr" in text
    assert not ENGLISH.findall(text) and not CODE_ID.findall(text)
    assert downloads.workbook_bytes(ctx, report.section_tables(ctx))  # and the downloads of such a document
