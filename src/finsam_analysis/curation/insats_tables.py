"""Per-insats financing tables -> proposed intervention_finance rows.

A table is a header line with year columns (insats_columns) and the rows under it, up to a line
of running text, the next header or three empty lines. It is a per-insats table when its rows
name at least two insatser of the document's interventions.csv (insatser.resolve) and at least
half of its figure rows name one; a total row (Summa, Totalt, or a row without a label) is the
insats every row above it has as `parent` (interventions.csv). Without a curated
interventions.csv no table is read: a row label is not enough to tell an insats from an item.

Signs by the project's convention: a Kostnad column is negative; in a table whose columns give
no measure (a cost per insats), costs printed without a sign are negated, a table that prints
signs keeps them; Intäkt, Netto and Avvikelse as printed. A table headed in tkr whose figures
run into millions is in kronor (the header is wrong), and says so in `note`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from finsam_analysis.curation.insats_columns import (
    InsatsColumn,
    bases_row,
    header_of,
    is_measure_row,
    measure_of,
    unit_of,
)
from finsam_analysis.curation.insatser import Interventions
from finsam_analysis.curation.numbers import DASH_CELL
from finsam_analysis.curation.proposal import Proposal
from finsam_analysis.curation.tables import clean_label, format_value, parse_cell, split_label, value_cells
from finsam_analysis.curation.text import Line

NOT_MONEY = re.compile(r"^(?:antal|andel)\b", re.I)
KRONOR_HINT = 1_000_000  # a "tkr" figure of a million or more would be a billion kronor


@dataclass
class Row:
    line: Line
    label: str
    name: str | None  # the insats the label names; None for a total row
    cells: list[str]


def read_insats_tables(lines: list[Line], sections: dict[int, str], names: Interventions) -> list[Proposal]:
    if not names.names:
        return []
    out: list[Proposal] = []
    i = 0
    while i < len(lines):
        table = _table_at(lines, i, names)
        if table is None:
            i += 1
            continue
        label, columns, rows, end, unit = table
        out += _proposals(label, columns, rows, unit, sections, names)
        i = end
    return out


def _table_at(lines: list[Line], i: int, names: Interventions):
    text = lines[i].text
    below = lines[i + 1].text if i + 1 < len(lines) else None
    above = next((lines[j].text for j in range(i - 1, max(i - 3, -1), -1) if lines[j].text.strip()), "")
    header = header_of(text, below if below and is_measure_row(below) else None, bases_row(above))
    if header is None:
        return None
    label, columns = header
    context = " ".join(lines[j].text for j in range(max(i - 3, 0), i + 1))
    unit = unit_of(label) or unit_of(context)
    rows: list[Row] = []
    j = i + (2 if below and is_measure_row(below) else 1)
    blanks = 0
    while j < len(lines):
        line = lines[j]
        if not line.text.strip():
            blanks += 1
            if blanks >= 3:
                break
            j += 1
            continue
        blanks = 0
        if header_of(line.text):
            break
        row_label, rest = split_label(line.text)
        row_label = clean_label(row_label)
        if not any(ch.isdigit() for ch in rest):
            if "\t" in line.text.strip() or (row_label and names.resolve(row_label)):
                j += 1  # a label-only row inside the table ("Medlemsavgifter:")
                continue
            break
        cells = value_cells(rest, len(columns))
        if cells is not None:
            name = None
            if row_label and not names.is_total(row_label) and not NOT_MONEY.match(row_label):
                name = names.resolve(row_label) or ""
            rows.append(Row(line, row_label, name, cells))
        j += 1
    named = [r.name for r in rows if r.name]
    figure_rows = [r for r in rows if r.name is not None]
    if len(set(named)) < 2 or 2 * len(named) < len(figure_rows):
        return None
    return label, columns, rows, j, unit or "kr"


def _proposals(label, columns: list[InsatsColumn], rows: list[Row], unit, sections, names) -> list[Proposal]:
    default = measure_of(label) or "cost"
    values = [
        [_parsed(cell) for cell in row.cells]  # (value, decimals) or None per column
        for row in rows
    ]
    note_unit = ""
    if unit == "tkr" and any(v and abs(v[0]) >= KRONOR_HINT for vs in values for v in vs):
        unit, note_unit = "kr", "header 'tkr' but the figures are kronor"
    plain = [v[0] for vs in values for c, v in zip(columns, vs) if v and c.measure is None and v[0]]
    negate_plain = default == "cost" and bool(plain) and all(v > 0 for v in plain)
    named = [r.name for r in rows if r.name]
    out, seen = [], set()
    for row, row_values in zip(rows, values):
        name = row.name or (None if row.name == "" else _total_name(named, names))
        if not name or name in seen:
            continue
        seen.add(name)
        for index, (column, parsed) in enumerate(zip(columns, row_values)):
            if parsed is None:
                continue
            value, decimals = parsed
            measure = column.measure or default
            notes = []
            if measure == "cost" and value > 0 and (column.measure == "cost" or negate_plain):
                value, notes = -value, ["printed without sign"]
            out.append(
                Proposal(
                    "intervention_finance",
                    {
                        "year": column.year,
                        "basis": column.basis,
                        "intervention": name,
                        "measure": measure,
                        "value": format_value(value, decimals),
                        "unit": unit,
                        "section": sections.get(row.line.number, ""),
                        "page": "" if row.line.page is None else str(row.line.page),
                        "note": "; ".join(filter(None, [row.label, *notes, note_unit])),
                    },
                    printed=row.cells[index],
                    line=row.line.number,
                    confidence=0.8 if row.name else 0.7,
                )
            )
    return out


def _parsed(cell: str) -> tuple[float, int] | None:
    if DASH_CELL.match(cell.strip()):
        return None
    parsed = parse_cell(cell)
    if parsed is None or parsed[3]:
        return None
    value = parsed[0]
    return (0.0 if value == 0 else value), parsed[1]


def _total_name(named: list[str], names: Interventions) -> str | None:
    """A total row closes the insatser above it: their common parent, or the grand total when
    none of them has a parent."""
    parent = names.common_parent(named)
    if parent:
        return parent
    if names.total and not any(names.parents.get(n) for n in named):
        return names.total
    return None
