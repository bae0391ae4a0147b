import pandas as pd
import pytest

from finsam_analysis.document.compare import display_table, key_figures, latest_outcome_year


def test_key_figures_of_the_seed_forbund(tables):
    figures = key_figures(tables).set_index("forbund")
    assert figures["year"].to_dict() == {"halland": 2025, "sjuharad": 2024, "sydnarke": 2024}
    assert figures.loc["sjuharad", "net_result_sek"] == pytest.approx(246185.14)
    assert figures.loc["halland", "equity_sek"] == pytest.approx(5967665)  # balance sheet (the overview says 5 967 664)
    assert figures.loc["sjuharad", "equity_cap_sek"] == pytest.approx(2902200)
    assert figures.loc["sydnarke", "equity_pct_of_contributions"] == pytest.approx(21.2168, abs=1e-3)
    assert figures.loc["sydnarke", "operating_costs_sek"] == pytest.approx(4996117)


def test_display_table_is_swedish_formatted(tables):
    table = display_table(key_figures(tables))
    assert table.loc["Sjuhärads samordningsförbund", "Årets resultat"] == "246\u00a0tkr"
    assert table.loc["Samordningsförbundet Sydnärke", "Eget kapital i % av bidragen"] == "21,2\u00a0%"


def test_latest_outcome_year_ignores_budgets():
    df = pd.DataFrame({"forbund": ["a", "a", "a"], "year": [2023, 2024, 2026], "basis": ["utfall", "utfall", "budget"]})
    assert latest_outcome_year(df).to_dict("records") == [{"forbund": "a", "year": 2024}]
