import pandas as pd
import pytest

from finsam_analysis.data.precedence import document_rank, preferred


def frame(rows):
    return pd.DataFrame(rows, columns=["forbund", "document", "statement", "year", "item", "value"])


def test_newest_document_wins_for_the_same_year():
    df = frame(
        [
            ("forbund-a", "arsredovisning-2024", "income_statement", 2024, "net_result", 1.0),
            ("forbund-a", "arsredovisning-2025", "income_statement", 2024, "net_result", 2.0),
        ]
    )
    assert preferred(df, ["year", "item"])["value"].tolist() == [2.0]


def test_annual_report_beats_minutes_of_the_same_year():
    df = frame(
        [
            ("forbund-a", "protokoll-2024-12-15", "budget", 2024, "net_result", 1.0),
            ("forbund-a", "arsredovisning-2024", "income_statement", 2024, "net_result", 2.0),
        ]
    )
    assert preferred(df, ["year", "item"])["value"].tolist() == [2.0]


def test_income_statement_beats_overview_within_a_document():
    df = frame(
        [
            ("forbund-b", "arsredovisning-2024", "overview", 2024, "net_result", 246000.0),
            ("forbund-b", "arsredovisning-2024", "income_statement", 2024, "net_result", 246185.14),
        ]
    )
    assert preferred(df, ["year", "item"])["value"].tolist() == [246185.14]


def test_forbund_are_kept_apart_and_empty_input_is_fine():
    df = frame(
        [
            ("a", "arsredovisning-2024", "income_statement", 2024, "net_result", 1.0),
            ("b", "arsredovisning-2024", "income_statement", 2024, "net_result", 2.0),
        ]
    )
    assert len(preferred(df, ["year", "item"])) == 2
    assert preferred(df.iloc[0:0], ["year", "item"]).empty


def test_bad_document_id_is_a_clear_error():
    with pytest.raises(ValueError, match="not <kind>-<year>"):
        document_rank("rapport")
