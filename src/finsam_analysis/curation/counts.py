"""Participant-table counts outside the financial statements.

- insatser over the years: under a line of years ("2025 2024 2023 2022"), a row "Antal
  individinriktade insatser 6 5 6 6" (its label may run over two lines, the figures on a line
  of their own; "14*" keeps its footnote sign in `note`) -> measure interventions_count for
  the insats group the label names;
- activities with an "Antal deltagare" column ("Insatser/aktiviteter<TAB>Antal deltagare<TAB>Mål"):
  each row whose label names one of the document's interventions -> measure contacts.
"""

from __future__ import annotations

import re

from finsam_analysis.curation.insatser import Interventions
from finsam_analysis.curation.proposal import Proposal
from finsam_analysis.curation.text import Line

YEARS_LINE = re.compile(r"^\s*(?:(?:19|20)\d{2}\s+){2,}(?:19|20)\d{2}\s*$")
COUNT_ROW = re.compile(r"^\s*(?P<label>antal\s+[A-Za-zÅÄÖåäö ]+?)\s*(?P<nums>(?:\d{1,4}\*?\s*)+)$", re.I)
NUMS_ONLY = re.compile(r"^\s*(?:\d{1,4}\*?\s*)+$")
LABEL_ONLY = re.compile(r"^\s*(?P<label>[A-Za-zÅÄÖåäö ]{3,60})\s*$")


def _row(year, intervention, measure, value, line: Line, section: str, note: str) -> Proposal:
    row = {
        "year": year,
        "intervention": intervention,
        "group": "*",
        "measure": measure,
        "gender": "total",
        "value": str(value),
        "unit": "count",
        "section": section,
        "page": "" if line.page is None else str(line.page),
        "note": note,
    }
    return Proposal("participants", row, printed=note, line=line.number, confidence=0.6)


def _insats_group(label: str, names: Interventions) -> str | None:
    """ "Antal individinriktade insatser" -> "Individinriktade insatser" (the document's name if it has one)."""
    rest = re.sub(r"^antal\s+", "", re.sub(r"\s+", " ", label).strip(), flags=re.I)
    if not re.search(r"insats", rest, re.I):
        return None
    return names.canonical(rest) or rest[0].upper() + rest[1:]


def interventions_over_years(lines: list[Line], sections: dict[int, str], names: Interventions) -> list[Proposal]:
    out: list[Proposal] = []
    years: list[int] = []
    label = ""
    for line in lines:
        text = line.text.replace("\t", " ").strip()
        if YEARS_LINE.match(text):
            years, label = [int(y) for y in text.split()], ""
            continue
        if not years or not text:
            continue
        m = COUNT_ROW.match(text)
        if m:
            label, nums = m.group("label"), m.group("nums").split()
        elif NUMS_ONLY.match(text) and label:
            nums = text.split()
        elif LABEL_ONLY.match(text) and len(text.split()) <= 6:
            label = f"{label} {text}" if label and not text.lower().startswith("antal") else text
            continue
        else:
            years, label = ([] if len(text.split()) > 12 else years), ""
            continue
        group = _insats_group(label, names)
        if group and len(nums) == len(years):
            section = sections.get(line.number, "")
            for year, num in zip(years, nums):
                out.append(_row(year, group, "interventions_count", int(num.rstrip("*")), line, section, num))
        label = ""
    return out


def activity_contacts(lines: list[Line], sections: dict[int, str], names: Interventions) -> list[Proposal]:
    out: list[Proposal] = []
    column = None
    for line in lines:
        cells = [c.strip() for c in line.text.split("\t")]
        lowered = [c.lower() for c in cells]
        if "antal deltagare" in lowered and len([c for c in cells if c]) >= 2:
            column = lowered.index("antal deltagare")
            continue
        if column is None or len(cells) <= column:
            if line.text.strip() and "\t" not in line.text:
                column = None  # running text: the table has ended
            continue
        count = cells[column]
        if not re.fullmatch(r"\d{1,5}", count):
            continue
        named = names.mentions(cells[0])
        insats = named[0] if len(named) == 1 else names.canonical(cells[0])
        if insats:
            out.append(_row(None, insats, "contacts", int(count), line, sections.get(line.number, ""), cells[0]))
    return out
