"""Small-cell suppression and the personnummer scanner."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from finsam_analysis.data import paths
from finsam_analysis.data.personnummer import (
    find_personnummer,
    is_personnummer,
    luhn_ok,
    scan_for_personnummer,
)
from finsam_analysis.document.suppression import (
    COMPLEMENTARY,
    SMALL,
    SMALL_BASE,
    SMALL_TOTAL,
    masked,
    suppress_small_counts,
)
from finsam_analysis.measures import gender_split, outcome_rates

COLUMNS = ["forbund", "document", "year", "intervention", "group", "measure", "gender", "value", "unit"]


def participants(rows):
    return pd.DataFrame([("exempel", "d", *r) for r in rows], columns=COLUMNS)


CICERON = participants(
    [
        (2024, "Projekt Ciceron", "*", "active", "total", 9, "count"),
        (2024, "Projekt Ciceron", "*", "active", "man", 67, "pct"),
        (2024, "Projekt Ciceron", "*", "active", "kvinna", 22, "pct"),
        (2024, "Projekt Ciceron", "*", "active", "annat", 11, "pct"),
    ]
)


def counts(values: dict[str, float]) -> pd.DataFrame:
    """One group: gender -> count (the 'total' key included if given)."""
    return pd.DataFrame(
        {
            "forbund": "x",
            "year": 2024,
            "intervention": "T",
            "gender": list(values),
            "count": [float(v) for v in values.values()],
        }
    )


class TestCiceron:
    """9 participants: 67 % men, 22 % women, 11 % 'annat' -> 6, 2 and 1 people."""

    def setup_method(self):
        self.out = suppress_small_counts(gender_split(CICERON)).set_index("gender")

    def test_the_one_annat_and_two_women_are_masked(self):
        assert self.out.loc["annat", "suppression_reason"] == SMALL
        assert self.out.loc["kvinna", "suppression_reason"] == SMALL
        assert self.out.loc["annat", "count_display"] == "×" and self.out.loc["annat", "share_pct_display"] == "×"
        assert self.out.loc["kvinna", "count_display"] == "×" and self.out.loc["kvinna", "share_pct_display"] == "×"

    def test_men_masked_too_since_9_minus_6_reveals_3(self):
        # women + annat = 3 < 5, so showing 6 men (or 67 %) of 9 would reveal a group of 3
        assert self.out.loc["man", "suppression_reason"] == COMPLEMENTARY
        assert self.out.loc["man", "count_display"] == "×" and self.out.loc["man", "share_pct_display"] == "×"

    def test_total_shown(self):
        assert not self.out.loc["total", "suppressed"]
        assert self.out.loc["total", "count_display"] == "9"
        assert self.out.loc["total", "share_pct_display"] == "100,0\u00a0%"

    def test_masked_numbers_for_plots(self):
        numbers = masked(self.out.reset_index()).set_index("gender")
        assert numbers["count"].isna().tolist() == [True, True, True, False]
        assert numbers["share_pct"].isna().tolist() == [True, True, True, False]
        assert self.out["count"].tolist() == [2.0, 6.0, 1.0, 9.0]  # the raw numbers stay


@pytest.mark.parametrize(
    "values, suppressed",
    [
        ({"kvinna": 20, "man": 30, "total": 50}, []),
        ({"kvinna": 0, "man": 30, "total": 30}, []),  # zero is shown
        ({"kvinna": 3, "man": 30, "total": 33}, ["kvinna", "man"]),  # one hidden cell needs a partner
        ({"kvinna": 3, "man": 30, "annat": 10, "total": 43}, ["kvinna", "annat"]),  # the smallest partner
        ({"kvinna": 2, "man": 2, "total": 4}, ["kvinna", "man", "total"]),  # small total masks the group
        ({"kvinna": 5, "man": 5, "total": 10}, []),  # threshold itself is shown
        ({"kvinna": 3, "man": 0, "annat": 20, "total": 23}, ["kvinna", "annat"]),
    ],  # a hidden zero protects nothing
)
def test_suppression_rules(values, suppressed):
    out = suppress_small_counts(counts(values))
    assert out.loc[out["suppressed"], "gender"].tolist() == suppressed


def test_two_small_cells_with_large_sum_need_no_partner():
    out = suppress_small_counts(counts({"kvinna": 3, "man": 30, "annat": 4, "total": 37}))
    # 3 and 4 are each < 5 and hidden; together 7 >= 5, so the 30 men can be shown
    assert out.loc[out["suppressed"], "gender"].tolist() == ["kvinna", "annat"]


@pytest.mark.parametrize("threshold, hidden", [(3, []), (5, ["kvinna", "man"]), (11, ["kvinna", "man", "total"])])
def test_threshold_is_a_parameter(threshold, hidden):
    out = suppress_small_counts(counts({"kvinna": 4, "man": 6, "total": 10}), threshold=threshold)
    assert out.loc[out["suppressed"], "gender"].tolist() == hidden
    if threshold == 11:
        assert out["count_display"].tolist() == ["×"] * 3


def test_groups_are_separate():
    df = pd.concat(
        [
            counts({"kvinna": 3, "man": 30, "total": 33}),
            counts({"kvinna": 20, "man": 30, "total": 50}).assign(intervention="U"),
        ],
        ignore_index=True,
    )
    out = suppress_small_counts(df)
    assert out.loc[out["intervention"] == "U", "suppressed"].sum() == 0


def test_no_part_column_only_primary():
    out = suppress_small_counts(counts({"kvinna": 3, "man": 30}), part=None)
    assert out["suppressed"].tolist() == [True, False]


def test_outcomes_with_small_base():
    people = participants(
        [(2024, "T", "*", "exited", "total", 4, "count"), (2024, "U", "*", "exited", "total", 100, "count")]
    )
    outcomes = pd.DataFrame(
        {
            "forbund": "exempel",
            "document": "d",
            "year": 2024,
            "intervention": ["T", "U"],
            "outcome": "work",
            "gender": "total",
            "value": [0.0, 40.0],
            "unit": "count",
            "base": "exited",
        }
    )
    out = suppress_small_counts(outcome_rates(outcomes, people), part=None, base="base_count")
    assert out["suppression_reason"].iloc[0] == SMALL_BASE and pd.isna(out["suppression_reason"].iloc[1])
    assert out["rate_pct_display"].tolist() == ["×", "40,0\u00a0%"]


def test_small_total_reason_and_display():
    out = suppress_small_counts(counts({"kvinna": 1, "man": 2, "total": 3}))
    assert out["suppression_reason"].tolist() == [SMALL, SMALL, SMALL]
    out = suppress_small_counts(counts({"kvinna": 0, "man": 3, "total": 3}))
    assert out["suppression_reason"].tolist() == [SMALL_TOTAL, SMALL, SMALL]


def test_empty_and_errors():
    out = suppress_small_counts(counts({}))
    assert out.empty and {"suppressed", "count_display"} <= set(out.columns)
    with pytest.raises(ValueError, match="no column 'count'"):
        suppress_small_counts(pd.DataFrame({"value": [1]}))
    with pytest.raises(ValueError, match="run suppress_small_counts"):
        masked(counts({"kvinna": 1}))


def test_nan_counts_left_alone():
    out = suppress_small_counts(counts({"kvinna": np.nan, "man": 30, "total": 30}))
    assert not out["suppressed"].any() and out["count_display"].tolist() == ["..", "30", "30"]


# --- personnummer ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("811218-9876", True),  # Skatteverket's example, valid Luhn
        ("19811218-9876", True),
        ("8112189876", True),
        ("811218+9876", True),  # '+' for people over 100
        ("811278-9873", True),  # samordningsnummer: day 18 + 60, own check digit
        ("811218-9875", False),  # wrong check digit
        ("811318-9876", False),  # month 13
        ("810230-1234", False),  # 30 February
        ("222000-2600", False),  # organisationsnummer (Sydnärke): "month" 20, passes Luhn
        ("212000-1355", False),  # organisationsnummer of a kommun
        ("18811218-9876", False),
    ],  # century 18 not accepted
)
def test_is_personnummer(text, expected):
    assert is_personnummer(text) is expected


def test_luhn():
    assert luhn_ok("8112189876") and luhn_ok("2220002600") and not luhn_ok("8112189875")


def test_find_in_text_with_positions_and_masking():
    text = "Org nr 222000-2600\nFirmatecknare 811218-9876, belopp 22704789.01\n[personnummer borttaget]"
    hits = find_personnummer(text)
    assert [(h.line, h.column, h.masked) for h in hits] == [(2, 15, "811218-****")]


@pytest.mark.parametrize(
    "text",
    [
        "-17986694.96",
        "0.8112189876",
        "2025-03-24 09:52:24",
        "14431955623",
        "1234567890123",
        "Serienummer: 40f7f889f109ef",
        "IP: 83.187.xxx.xxx",
        "8112189876.5",
    ],
)
def test_numbers_that_are_not_personnummer(text):
    assert find_personnummer(text) == []


def test_scan_folder(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "participants.csv").write_text("year,note\n2024,ok\n2024,see 811218-9876\n", encoding="utf-8")
    (tmp_path / "a" / "image.png").write_bytes(b"811218-9876")
    out = scan_for_personnummer(tmp_path)
    assert out.to_dict("records") == [{"path": "a/participants.csv", "line": 3, "column": 10, "masked": "811218-****"}]


def test_raw_folders_hold_no_personnummer():
    found = scan_for_personnummer(paths.RAW_DIR)
    assert found.empty, f"personnummer in data/raw:\n{found.to_string()}"


def test_two_dimensions_kommun_by_gender():
    # kommun A has 3 men; without the kommun dimension, 33 men in all minus 30 in B reveals them
    rows = [
        ("A", "kvinna", 10),
        ("A", "man", 3),
        ("B", "kvinna", 20),
        ("B", "man", 30),
        ("*", "kvinna", 30),
        ("*", "man", 33),
        ("*", "total", 63),
    ]
    df = pd.DataFrame(
        {
            "forbund": "x",
            "year": 2024,
            "group": [r[0] for r in rows],
            "gender": [r[1] for r in rows],
            "count": [float(r[2]) for r in rows],
        }
    )
    one = suppress_small_counts(df)
    assert one.loc[one["suppressed"], ["group", "gender"]].values.tolist() == [["A", "kvinna"], ["A", "man"]]
    both = suppress_small_counts(df, part=("gender", "group"))
    hidden = both.loc[both["suppressed"], ["group", "gender"]].values.tolist()
    assert hidden == [["A", "kvinna"], ["A", "man"], ["B", "kvinna"], ["B", "man"]]
    assert both.loc[both["group"] == "*", "count_display"].tolist() == ["30", "33", "63"]


@pytest.mark.parametrize(
    "text",
    [
        "deltagare 811218 9876",
        "deltagare 811218\u20139876",
        "deltagare 811218\u00a09876",
        "deltagare 8112189876",
        "deltagare 811218+9876",
        "deltagare 1912-12-12-1212",
        "deltagare 19121212 1212",
        "deltagare 19121212\u20131212",
        "deltagare 811218\u20119876",
        "deltagare 811218\u22129876",
        "x,811218-9876,y",
        "<td>811218&nbsp;9876</td>",
        '"text": "811218\\u00a09876"',
        "811218\t9876",
        "deltagare 811278 9873",
    ],
    ids=[
        "space",
        "en-dash",
        "nbsp",
        "none",
        "plus",
        "dashed-with-century",
        "century-space",
        "century-en-dash",
        "nb-hyphen",
        "minus-sign",
        "csv-field",
        "html-entity",
        "json-escape",
        "tab",
        "samordningsnummer-space",
    ],
)
def test_scan_text_finds_every_separator(text):
    from finsam_analysis.data.personnummer import scan_text

    hits = scan_text(text)
    assert len(hits) == 1, (text, hits)
    assert hits[0].masked.endswith("****") and "9876" not in hits[0].masked and "1212" not in hits[0].masked[-4:]


@pytest.mark.parametrize(
    "text",
    [
        "Org nr 222000-2600",
        "org.nr 212000 1355",
        "16222000-2600",
        "802000\u20131234",
        "Belopp 2024-12-31\t2023-12-31",
        "18 022 19 011 20 100",
        "1 811 218 9876",
        "summa 22704789.01 kr",
        "246 185,14",
        "2025-03-24 09:52:24",
        "8112189876,5",
        "0,8112189876",
    ],
)
def test_scan_text_leaves_organisationsnummer_and_figures_alone(text):
    from finsam_analysis.data.personnummer import scan_text

    assert scan_text(text) == []


def test_legend_explains_only_the_symbols_a_table_shows():
    from finsam_analysis.document import suppression as s

    shown = pd.DataFrame({"Antal": ["12", s.MASK], "Andel": ["40 %", s.NOT_APPLICABLE]})
    assert s.symbols_in(shown) == [s.MASK, s.NOT_APPLICABLE]
    line = s.legend(7, s.symbols_in(shown))
    assert "färre än 7 personer" in line and "ej tillämpligt" in line and "saknas i källan" not in line
    assert s.legend(5, [s.MISSING]) == ".. = uppgift saknas i källan."
    assert s.legend(5, []) == ""
    assert s.legend(5).count("=") == 3  # no table given: all three
