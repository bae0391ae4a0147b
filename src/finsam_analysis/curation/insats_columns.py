"""The columns of a per-insats financing table: year, basis and measure of each figure column.

Three header shapes, all general:
- years only, tab- or space-separated: "2025 2024", "Insatser<TAB>2023<TAB>2024" (with the bases
  on the line above, "<TAB>Prognos<TAB>Budget");
- a year per column with its basis: "Utfall jan-dec 2024<TAB>Budget jan-dec 2024<TAB>Avvikelse
  jan-dec 2024";
- two lines: a year cell spanning the empty cells after it ("Utfall 2024<TAB><TAB><TAB>Budget
  2024"), and under it the measure of each column ("Intäkt<TAB>Kostnad<TAB>Netto").
A column without a measure word is a cost column (what a per-insats table reports); Avvikelse
(Utfall-Budget) is the measure `deviation` with basis utfall.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

YEAR = re.compile(r"(?<![\d,])((?:19|20)\d{2})(?![\d,])")
MEASURE_WORDS = (
    ("deviation", re.compile(r"avvikelse|utfall\s*-\s*budget|differens", re.I)),
    ("income", re.compile(r"intäkt", re.I)),
    ("cost", re.compile(r"kostnad|utgift", re.I)),
    ("net", re.compile(r"netto", re.I)),
)
BASES = (("budget", re.compile(r"budget", re.I)), ("prognos", re.compile(r"prognos", re.I)))
UNIT = re.compile(r"\b(tkr|mkr|kr|tusental kronor|tusen kronor|miljoner kronor|kronor)\b", re.I)
UNIT_WORDS = {"tusental kronor": "tkr", "tusen kronor": "tkr", "miljoner kronor": "mkr", "kronor": "kr"}


@dataclass(frozen=True)
class InsatsColumn:
    year: int
    basis: str  # utfall | budget | prognos
    measure: str | None  # cost | income | net | deviation; None: the table's own (a cost)
    label: str  # the header text of the column


def measure_of(text: str) -> str | None:
    return next((m for m, pattern in MEASURE_WORDS if pattern.search(text)), None)


def basis_of(text: str) -> str:
    if MEASURE_WORDS[0][1].search(text):
        return "utfall"  # a deviation is a figure of the outcome against the budget
    return next((b for b, pattern in BASES if pattern.search(text)), "utfall")


def unit_of(text: str) -> str | None:
    match = UNIT.search(text)
    if not match:
        return None
    word = match.group(1).lower()
    return UNIT_WORDS.get(word, word)


def cells_of(text: str) -> list[str]:
    return [c.strip() for c in text.rstrip().split("\t")]


def is_measure_row(text: str) -> bool:
    """A header line naming only the measures of the columns ("<TAB>Intäkt<TAB>Kostnad<TAB>Netto")."""
    cells = [c for c in cells_of(text) if c]
    return "\t" in text and len(cells) >= 2 and not YEAR.search(text) and all(measure_of(c) for c in cells)


def bases_row(text: str) -> list[str] | None:
    """["prognos", "budget"] for a line naming only the bases of the columns below it."""
    cells = [c.lower() for c in cells_of(text) if c]
    if len(cells) >= 2 and all(c in ("utfall", "budget", "prognos") for c in cells):
        return cells
    return None


def header_of(
    text: str, below: str | None = None, above: list[str] | None = None
) -> tuple[str, list[InsatsColumn]] | None:
    """(label cell, columns) of a header line with at least one year column, else None.

    below: the next line, when it names the measures; above: the bases printed on the line before."""
    stripped = text.strip()
    if not YEAR.search(stripped) or len(stripped) > 200 or re.search(r"\d{4}\s*[–-]\s*\d{4}", stripped):
        return None
    if "\t" in stripped:
        cells = cells_of(text)
        label, tops = cells[0], cells[1:]
        if YEAR.search(label):
            label, tops = "", cells
    else:
        years = list(YEAR.finditer(stripped))
        label = stripped[: years[0].start()].strip()
        tops, previous = [], years[0].start()
        for match in years:
            tops.append(stripped[previous : match.end()].strip())
            previous = match.end()
        if stripped[previous:].strip():
            return None
    if len(re.findall(r"[A-Za-zÅÄÖåäö]+", " ".join(tops))) > 4 * len(tops):
        return None
    measures = cells_of(below)[1:] if below and is_measure_row(below) else []
    tops += [""] * (len(measures) - len(tops))  # the last year cell spans the columns after it
    columns, current = [], ""
    for i, top in enumerate(tops):
        current = top or current  # an empty top cell continues the year cell before it
        sub = measures[i] if i < len(measures) else ""
        year = YEAR.search(current)
        if not year:
            return None
        words = f"{current} {sub}"
        basis = basis_of(words)
        if above and len(above) == len(tops) and basis == "utfall":
            basis = above[i]
        columns.append(InsatsColumn(int(year.group(1)), basis, measure_of(sub) or measure_of(current), words.strip()))
    return label, columns
