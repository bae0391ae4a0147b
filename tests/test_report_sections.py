"""The report's sections: parameter validation, every section on every förbund, suppression."""
import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from finsam_analysis.document import sections as report
from finsam_analysis.cli import parse_param

SECTIONS = list(report.SECTIONS)
SMALL_NUMBER = re.compile(r"^[1-4]$")


@pytest.fixture(scope="module")
def contexts(tables):
    return {slug: report.prepare(slug, tables=tables) for slug in ("sjuharad", "halland", "sydnarke")}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"forbund": "okand"}, "unknown förbund 'okand'; known: halland, sjuharad, sydnarke"),
        ({"forbund": "../etc"}, "förbund must be a slug"),
        ({"forbund": "sjuharad", "year": 2031}, "sjuharad has no outcome \\(utfall\\) figures for year 2031; years with data: 2019, 2020"),
        ({"forbund": "sjuharad", "year": "2024"}, "year must be a whole year .*got '2024'"),
        ({"forbund": "sjuharad", "suppression_threshold": 0}, "suppression_threshold must be a whole number >= 1"),
        ({"forbund": "sjuharad", "base_year": 1999}, "base_year 1999 has no KPI"),
    ],
)
def test_bad_parameters_fail_before_any_work(tables, kwargs, message):
    with pytest.raises(ValueError, match=message):
        report.prepare(tables=tables, **kwargs)


def test_default_year_is_the_latest_with_outcome_figures(contexts):
    assert {slug: ctx.year for slug, ctx in contexts.items()} == {"sjuharad": 2024, "halland": 2025, "sydnarke": 2024}


@pytest.mark.parametrize("slug", ["sjuharad", "halland", "sydnarke"])
@pytest.mark.parametrize("section", SECTIONS, ids=lambda f: f.__name__)
def test_every_section_renders_for_every_forbund(contexts, slug, section):
    items = section(contexts[slug])
    assert items and isinstance(items[0], report.Markdown)
    for item in items:
        assert isinstance(item, (report.Markdown, pd.DataFrame, plt.Figure))
        if isinstance(item, plt.Figure):
            assert item.axes[0].get_title()
            plt.close(item)


def key_table(ctx):
    return next(i for i in report.at_a_glance(ctx) if isinstance(i, pd.DataFrame))


def test_summary_shows_the_documents_key_figures(contexts):
    sjuharad = key_table(contexts["sjuharad"])
    assert sjuharad.loc["Årets resultat", "2024"] == "246\u00a0185\u00a0kr"
    assert sjuharad.loc["Årets resultat", "2023"] == "\u2212804\u00a0994\u00a0kr"
    assert sjuharad.loc["Årets resultat", "Förändring"] == "+1\u00a0051\u00a0180\u00a0kr"
    assert sjuharad.loc["Årets resultat", "Förändring %"] == "–"  # a % of a sign change says nothing
    assert sjuharad.loc["Medlemsbidrag", "Förändring %"] == "\u22125,2\u00a0%"
    halland = key_table(contexts["halland"])
    assert halland.loc["Eget kapital vid årets slut", "2025"] == "5\u00a0967\u00a0665\u00a0kr"
    sydnarke = key_table(contexts["sydnarke"])
    assert sydnarke.loc["Soliditet", "2024"] == "21,7\u00a0%"


def count_cells(items):
    for item in items:
        if isinstance(item, pd.DataFrame):
            for column in item.columns:
                if "andel" in column.lower() or "kostnad" in column.lower():
                    continue
                yield from item[column].astype(str)


@pytest.mark.parametrize("slug", ["sjuharad", "halland", "sydnarke"])
@pytest.mark.parametrize("section", [report.participants_section, report.outcomes_section, report.cost_per_participant_section], ids=lambda f: f.__name__)
def test_no_count_below_the_threshold_is_shown(contexts, slug, section):
    shown = list(count_cells(section(contexts[slug])))
    assert not [cell for cell in shown if SMALL_NUMBER.match(cell.strip())]


def test_ciceron_small_groups_are_masked_with_their_complement(contexts):
    table = report.participants_section(contexts["sydnarke"])[1]
    row = table.loc["Projekt Ciceron – aktuella under året"]
    assert (row["Kvinnor"], row["Män"], row["Annat"], row["Totalt"]) == ("×", "×", "×", "9")


def test_a_higher_threshold_masks_more(tables):
    ctx = report.prepare("sydnarke", suppression_threshold=100, tables=tables)
    table = report.participants_section(ctx)[1]
    assert table.loc["Samordningsteamet – aktuella under året", "Män"] == "×"


def test_reports_param_option_reads_yaml_values():
    assert parse_param("suppression_threshold=10") == ("suppression_threshold", 10)
    assert parse_param("base_year=2020") == ("base_year", 2020)
    import argparse

    with pytest.raises(argparse.ArgumentTypeError, match="expected NAME=VALUE"):
        parse_param("suppression_threshold")


def test_halland_forecast_accuracy_is_shown(contexts):
    tables = [item for item in report.budget_section(contexts["halland"]) if isinstance(item, pd.DataFrame)]
    forecast = next(t for t in tables if "Prognosfel" in t.columns)
    assert forecast.loc["Årets resultat 2023", "Prognos"] == "\u22121\u00a0650\u00a0364\u00a0kr"
    assert forecast.loc["Årets resultat 2023", "Prognosfel"] == "\u22121\u00a0162\u00a0135\u00a0kr"


def kommun_table(ctx):
    return next(item for item in report.participants_section(ctx) if isinstance(item, pd.DataFrame) and item.index.name == "Kommun")


def test_participants_per_kommun_and_gender(contexts):
    table = kommun_table(contexts["sjuharad"])
    assert table.loc["Bollebygd"].tolist() == ["17", "18", "35"]
    assert table.loc["Hela förbundet"].tolist() == ["426", "224", "650"]


def test_per_kommun_table_masks_small_cells_and_their_complements(tables):
    ctx = report.prepare("sjuharad", suppression_threshold=10, tables=tables)
    table = kommun_table(ctx)
    assert table.loc["Herrljunga", "Män"] == "×"
    assert table.loc["Herrljunga", "Kvinnor"] == "×"  # 34 - 9 would reveal the men
    shown = [cell for cell in table.to_numpy().ravel() if cell.isdigit()]
    assert all(int(cell) >= 10 for cell in shown)
