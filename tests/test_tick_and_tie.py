"""Every curated figure occurs in its document's text (DESIGN.md "Tick and tie")."""

import pytest

from finsam_analysis.checks.tickandtie import figure_pattern, untied_in_document, untied_rows
from finsam_analysis.data import paths
from finsam_analysis.data.loader import load_raw

DOCUMENT_FOLDERS = sorted(p.parent for p in paths.RAW_DIR.glob("*/*/source.yaml"))


@pytest.mark.parametrize(
    "value, decimals, text, found",
    [
        (246185.14, 2, "Årets resultat 246 185,14 kr", True),
        (246185.14, 2, "Årets resultat 246 185,15 kr", False),
        (18022, 0, "rad 1 +18 022 +19 011", True),
        (-805, 0, "Årets resultat 246 - 805 0", True),
        (28, 0, "3284/ 11708 28%", True),
        (8, 0, "28%", False),
        (100000.0, 2, "100 000 kr", True),
        (21.2, 1, "utgör 21,2 % av", True),
        (21.2, 1, "utgör 21,25 % av", False),
        (float("inf"), 0, "vi har informerat om", False),  # a whole number, not a substring
        (12, 0, "fråga Q12a", False),
        (12, 0, "fråga 12a", False),
        (5, 0, "ökade med 5,5 %", False),
        (88800, 0, "kostade totalt 88800kr", True),  # a unit may follow
        (-805, 0, "(805)", True),
    ],
)
def test_figure_pattern(value, decimals, text, found):
    assert bool(figure_pattern(value, decimals).search(text)) is found


@pytest.mark.parametrize("folder", DOCUMENT_FOLDERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_curated_figure_occurs_in_its_document(folder):
    [forbund] = load_raw(paths.RAW_DIR, only=[folder.parent.name])
    [doc] = [d for d in forbund.documents if d.folder == folder]
    untied = untied_in_document(doc)
    assert not untied, "figures not found in source.txt (typo, or mark the row 'derived' in note):\n" + "\n".join(
        untied
    )


def test_printed_form_ties_a_non_swedish_or_unsigned_figure():
    """'7.2 m.kr' and an unsigned cost are curated as printed (never as derived) and still tied."""
    import pandas as pd

    text = "Kostnaderna blev 7.2 m.kr och resultatet 805 tkr."
    frame = pd.DataFrame(
        {
            "value": [7.2, -805.0, 7.3, -805.0],
            "_decimals": [1, 0, 1, 0],
            "printed": ["7.2 m.kr", "805 tkr", "7.3 m.kr", "806 tkr"],
            "note": [None, None, None, None],
        }
    )
    assert list(untied_rows(frame, text).index) == [2, 3]  # 7.3 not in the text; 806 does not state 805
    frame.loc[3, "printed"] = "805 tkr"
    frame.loc[3, "value"] = -806.0  # printed occurs but does not state the typed value
    assert list(untied_rows(frame, text).index) == [2, 3]


@pytest.mark.parametrize(
    "printed, value",
    [
        ("7.2 m.kr", 7.2),
        ("18 022", 18022),
        ("1,5 mkr", 1.5),
        ("1.250.000 kr", 1250000),
        ("ca 3 miljoner", 3),
        ("-805", 805),
    ],
)
def test_printed_value(printed, value):
    from finsam_analysis.data.approx import printed_value

    assert printed_value(printed) == value


def test_approximate_figures_carry_their_printed_precision():
    from finsam_analysis.data.approx import allowance, step

    assert step(1700, 0, "count", "cirka") == 100 and allowance(1700, 0, "count", "cirka") == 50
    assert step(2.2, 1, "mkr", "ca") == pytest.approx(100_000) and allowance(2.2, 1, "mkr", "ca") == pytest.approx(
        50_000
    )
    assert allowance(250, 0, "count", "drygt") == 10 and allowance(70, 0, "pct", "knappt") == 10
    assert allowance(1700, 0, "count", None) == 0 and step(1700, 0, "count") == 0


@pytest.mark.parametrize("folder", DOCUMENT_FOLDERS[:2], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fast_search_gives_the_regex_answer_for_every_number_in_a_document(folder):
    import re

    from finsam_analysis.checks.tickandtie import document_text, printed_in

    text = document_text(folder / "source.txt")
    numbers = {float(m.replace(" ", "").replace(",", ".")) for m in re.findall(r"\d[\d ]{0,9},?\d{0,2}", text)[:400]}
    probes = sorted(numbers | {n + 1 for n in numbers} | {-n for n in numbers})
    for value in probes:
        for decimals in (0, 2):
            assert printed_in(value, decimals, text) is bool(figure_pattern(value, decimals).search(text)), (
                value,
                decimals,
            )
