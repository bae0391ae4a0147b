"""Comparison of förbund: years aligned, förbund without some tables kept (data-driven)."""

import pandas as pd
import pytest

from finsam_analysis.data.targets import reportable_years
from finsam_analysis.document.compare import (
    alignment_sentence,
    comparison_years,
    display_table,
    key_figures,
    latest_outcome_year,
    quality_table,
)


def test_every_forbund_is_compared_in_the_common_year_where_it_has_it(tables):
    figures = key_figures(tables).set_index("forbund")
    assert sorted(figures.index) == sorted(tables.forbund["forbund"])  # none left out
    pairs = reportable_years(tables)
    full = {f: set(g.loc[g["full_year"], "year"]) for f, g in pairs.groupby("forbund")}
    common = set.intersection(*full.values()) if full else set()
    if common:
        assert set(figures.loc[figures["same_year"], "year"]) == {max(common)}
        assert f"Förbunden jämförs för {max(common)}" in alignment_sentence(tables)
    for forbund, row in figures[~figures["same_year"]].iterrows():
        assert row["year"] == max(full[forbund])  # its own latest year, said plainly
        assert tables.forbund.set_index("forbund").loc[forbund, "name"] in alignment_sentence(tables)


def test_years_are_aligned_and_exceptions_said_plainly(fixture_tables):
    years, common = comparison_years(fixture_tables)
    assert common is None  # the synthetic förbund share no year
    assert dict(zip(years["forbund"], years["year"])) == {
        "syntet-delar": 2025,
        "syntet-deltagare": 2024,
        "syntet-gammal": 2008,
        "syntet-prosa": 2023,
        "syntet-ungefar": 2024,
    }
    assert "inget gemensamt år" in alignment_sentence(fixture_tables)
    years, common = comparison_years(fixture_tables, year=2024)
    assert common == 2024 and set(years.loc[years["same_year"], "forbund"]) == {
        "syntet-delar",
        "syntet-deltagare",
        "syntet-ungefar",
    }
    sentence = alignment_sentence(fixture_tables, 2024)
    assert "Syntetiska samordningsförbundet Gammal saknar utfall för 2024 och visas för 2008" in sentence


def test_forbund_without_some_tables_get_empty_figures(fixture_tables):
    figures = key_figures(fixture_tables, year=2024).set_index("forbund")
    assert (
        figures.loc["syntet-deltagare", ["contributions_sek", "net_result_sek", "equity_sek"]].isna().all()
    )  # participants only
    assert figures.loc["syntet-ungefar", "contributions_sek"] == pytest.approx(7_500_000)  # "ca 7,5 mkr"
    assert figures.loc["syntet-ungefar", "operating_costs_sek"] == pytest.approx(
        7_200_000
    )  # "7.2 m.kr", shown positive
    assert figures.loc["syntet-delar", "net_result_sek"] == pytest.approx(-200_000)  # full year 2024, not jan-aug
    table = display_table(figures.reset_index())
    assert table.loc["Syntetiska samordningsförbundet Deltagare", "Årets resultat"] == "–"
    assert table.loc["Syntetiska samordningsförbundet Gammal", "År"] == "2008 *"
    assert table.loc["Syntetiska samordningsförbundet Delår", "År"] == "2024"


def test_latest_outcome_year_ignores_budgets():
    df = pd.DataFrame({"forbund": ["a", "a", "a"], "year": [2023, 2024, 2026], "basis": ["utfall", "utfall", "budget"]})
    assert latest_outcome_year(df).to_dict("records") == [{"forbund": "a", "year": 2024}]


def test_quality_table_counts_every_check_once_and_plan_apart_as_each_report_does(tables):
    from finsam_analysis.checks.reconcile import reconcile
    from finsam_analysis.document import sections

    results = reconcile(tables)
    table = quality_table(tables, results)
    parts = [
        "Stämmer",
        "Fel i källdokumenten",
        "Skillnader i definition",
        "Plan mot utfall",
        "Avrundningar",
        "Oförklarade",
    ]
    assert (table[parts].sum(axis=1) == table["Kontroller"]).all()
    names = dict(zip(tables.forbund["forbund"], tables.forbund["name"]))
    for slug in results["forbund"].unique():
        reg = sections.prepare(slug, tables=tables).registered
        row = table.loc[names[slug]]
        assert row["Plan mot utfall"] == int(reg["plan"].sum())
        assert row["Skillnader i definition"] == int(((reg["kind"] == "definition") & ~reg["plan"]).sum())
