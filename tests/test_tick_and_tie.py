"""Every curated figure occurs in its document's text (DESIGN.md "Tick and tie")."""
import pytest

from finsam_analysis.data import paths
from finsam_analysis.data.loader import load_raw
from finsam_analysis.checks.tickandtie import figure_pattern, untied_in_document

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
    assert not untied, "figures not found in source.txt (typo, or mark the row 'derived' in note):\n" + "\n".join(untied)


@pytest.mark.parametrize("folder", DOCUMENT_FOLDERS[:2], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fast_search_gives_the_regex_answer_for_every_number_in_a_document(folder):
    import re

    from finsam_analysis.checks.tickandtie import document_text, printed_in

    text = document_text(folder / "source.txt")
    numbers = {float(m.replace(" ", "").replace(",", ".")) for m in re.findall(r"\d[\d ]{0,9},?\d{0,2}", text)[:400]}
    probes = sorted(numbers | {n + 1 for n in numbers} | {-n for n in numbers})
    for value in probes:
        for decimals in (0, 2):
            assert printed_in(value, decimals, text) is bool(figure_pattern(value, decimals).search(text)), (value, decimals)
