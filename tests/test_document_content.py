"""Content rules of the analysis document (issue 12, "Done when"), on every förbund in the data.

Sections are rendered in process: no kernel. Which förbund exist is read from the data; the
per-document figures checked here are the documents' own (Sjuhärad 2024, Sydnärke 2024).
"""

import re
from dataclasses import replace

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from helpers import FigureText, reader_text

from finsam_analysis.data import paths
from finsam_analysis.document import downloads, fmt, parameters, suppression
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


def test_masked_cells_have_one_symbol_and_a_legend(contexts, rendered):
    for _slug, items in rendered.items():
        text = " ".join(reader_text(items))
        assert "<5" not in text and "&lt;5" not in text
        if suppression.MASK in text:
            assert "× = dolt för att skydda enskilda" in text


def test_a_legend_explains_only_symbols_its_section_shows(rendered):
    meanings = {
        suppression.MASK: "× = dolt",
        suppression.NOT_APPLICABLE: "– = ej tillämpligt",
        suppression.MISSING: ".. = uppgift saknas",
    }
    checked = 0
    for slug, items in rendered.items():
        for name in dict.fromkeys(n for n, _ in items):
            section = [i for n, i in items if n == name]
            shown = {
                s for i in section if isinstance(i, pd.DataFrame) for s in suppression.symbols_in(report.compact(i))
            }
            legends = [str(i) for i in section if isinstance(i, str) and str(i).startswith("<small>")]
            for symbol, words in meanings.items():
                if any(words in line for line in legends) and name != "title":
                    checked += 1
                    assert symbol in shown, (slug, name, symbol)
    assert checked  # the data has legends to check


def test_no_english_and_no_code_ids_in_reader_text(contexts, rendered):
    for slug, items in rendered.items():
        for text in reader_text(items):
            # source titles and section names are the documents' own Swedish words
            hits = ENGLISH.findall(text) + CODE_ID.findall(text)
            assert not hits, (slug, hits, text[:200])


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


def test_every_registered_finding_has_a_swedish_explanation(contexts):
    for ctx in contexts.values():
        reg = ctx.registered
        assert not reg["explanation_sv"].str.contains("Förklaring på svenska saknas").any()


def test_curated_text_is_escaped(contexts):
    ctx = replace(next(iter(contexts.values())), name="Förbundet <script>alert(1)</script>")
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


def test_parse_cell_reads_swedish_figures():
    assert downloads.parse_cell("18\u00a0022\u00a0tkr") == 18_022_000
    assert downloads.parse_cell("\u2212804\u00a0994\u00a0kr") == -804_994
    assert downloads.parse_cell("21,2\u00a0%") == pytest.approx(0.212)
    assert downloads.parse_cell("≈ 258") == 258
    assert downloads.parse_cell("×") == "×"


def test_non_default_parameters_get_their_own_path(tmp_path):
    assert parameters.variant({"forbund": "exempel", "year": 2025, "suppression_threshold": 5}) == ""
    assert parameters.variant({"suppression_threshold": 10, "base_year": 2020}) == "--basar-2020--troskel-10"
    assert paths.report_file(tmp_path, "exempel", 2025, ".html", "--troskel-10").name == "exempel--troskel-10.html"
    assert paths.report_file(tmp_path, "exempel", 2025).name == "exempel.html"
    with pytest.raises(ValueError):
        paths.report_file(tmp_path, "exempel", 2025, ".html", "/../x")


def test_provenance_is_in_the_title(contexts):
    ctx = next(iter(contexts.values()))
    text = str(report.title(ctx)[0])
    assert f"dataversion {ctx.data_version}" in text and re.search(r"Skapad \d{4}-\d\d-\d\d \d\d:\d\d", text)
    assert f'href="{ctx.forbund}.xlsx"' in text


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


def test_the_sources_table_counts_every_curated_figure_of_each_document(contexts):
    from finsam_analysis.data.targets import OUTCOME_TABLES

    for slug, ctx in contexts.items():
        table = next(i for i in report.appendix(ctx) if isinstance(i, pd.DataFrame))
        shown = sum(int(v.replace("\u00a0", "")) for v in table["Uppgifter hämtade"])
        curated = sum(len(getattr(t, name)) for t in (ctx.tables, ctx.part_year) if t for name in OUTCOME_TABLES)
        assert shown == curated > 0, slug


@pytest.mark.parametrize(
    "value, decimals, unit, shown",
    [
        (1, 0, "procentenheter", "+1\u00a0procentenhet"),
        (-1, 0, "personer", "−1\u00a0person"),
        (9, 0, "personer", "+9\u00a0personer"),
        (1.5, 1, "procentenheter", "+1,5\u00a0procentenheter"),
        (1, 0, "kr", "+1\u00a0kr"),
        (0, 0, "kr", "0\u00a0kr"),
    ],
)
def test_signed_difference_is_swedish_in_number_and_unit(value, decimals, unit, shown):
    assert fmt.signed(value, decimals, unit) == shown
