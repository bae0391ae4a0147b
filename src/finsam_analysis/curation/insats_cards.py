"""An insats's money outside the per-insats tables -> proposed intervention_finance rows.

- insats cards: "Budget<TAB>2 782 952 kr", "Utfall<TAB>2 968 892 kr", "Avvikelse<TAB>- 185 940 kr",
  "Kostnad/deltagare<TAB>20 475 kr/deltagare" under the heading of an insats (prose.insats_in_force);
  the budget and outcome are its cost, the deviation as printed, all of the fiscal year;
- lists of insatser with an amount each ("Individinriktade insatser:  10 076 415 kr",
  "a. Kunskapsutveckling  153 517 kr"): at least two lines naming insatser of interventions.csv,
  read as the fiscal year's cost of each.
Costs printed without a sign are negated (`note`: printed without sign).
"""

from __future__ import annotations

import re

from finsam_analysis.curation.insatser import Interventions
from finsam_analysis.curation.numbers import parse_figure
from finsam_analysis.curation.proposal import Proposal
from finsam_analysis.curation.prose import insats_in_force
from finsam_analysis.curation.text import Line

AMOUNT = r"(?P<sign>[-+\u2212\u2013]\s?)?(?P<n>\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:,(?P<dec>\d{1,2}))?\s*(?P<unit>tkr|mkr|kr)\b"
CARD_KEYS = (
    (re.compile(r"budget", re.I), "budget", "cost"),
    (re.compile(r"utfall", re.I), "utfall", "cost"),
    (re.compile(r"avvikelse", re.I), "utfall", "deviation"),
    (re.compile(r"kostnad\s*(?:/|per)\s*deltagare", re.I), "utfall", "cost_per_participant"),
)
CARD_VALUE = re.compile(rf"^{AMOUNT}(?:\s*/\s*deltagare)?\s*$", re.I)
LIST_LINE = re.compile(rf"^\s*(?:[a-z]\.\s+)?(?P<label>[A-Za-zÅÄÖåäö][^\t\d]{{2,80}}?)\s*:?\s+{AMOUNT}\s*$")


def _value(match: re.Match, measure: str) -> tuple[str, list[str]] | None:
    value = parse_figure(match.group("n").replace("\u00a0", " "))
    if value is None:
        return None
    decimals = len(match.group("dec") or "")
    if match.group("dec"):
        value += int(match.group("dec")) / 10**decimals
    notes = []
    if match.group("sign") and match.group("sign").strip() in "-\u2212\u2013":
        value = -value
    if measure in ("cost", "cost_per_participant") and value > 0:
        value, notes = -value, ["printed without sign"]
    return f"{value:.{decimals}f}", notes


def _row(line, section, year, basis, name, measure, match, label, confidence) -> Proposal | None:
    found = _value(match, measure)
    if found is None:
        return None
    value, notes = found
    row = {
        "year": year,
        "basis": basis,
        "intervention": name,
        "measure": measure,
        "value": value,
        "unit": match.group("unit").lower(),
        "section": section,
        "page": "" if line.page is None else str(line.page),
        "note": "; ".join([label, *notes]),
    }
    return Proposal(
        "intervention_finance", row, printed=match.group(0).strip(), line=line.number, confidence=confidence
    )


def card_rows(
    lines: list[Line], sections: dict[int, str], names: Interventions, fiscal_year: int | None
) -> list[Proposal]:
    if fiscal_year is None or not names.names:
        return []
    in_force = insats_in_force(lines, sections, names)
    out, seen = [], set()
    for line in lines:
        cells = [c.strip() for c in line.text.split("\t") if c.strip()]
        name = in_force.get(line.number)
        if len(cells) != 2 or not name:
            continue
        value = CARD_VALUE.match(cells[1])
        key = next((k for k in CARD_KEYS if k[0].fullmatch(cells[0].rstrip(":"))), None)
        if not value or key is None or (name, key[1], key[2]) in seen:
            continue
        seen.add((name, key[1], key[2]))
        proposal = _row(line, sections.get(line.number, ""), fiscal_year, key[1], name, key[2], value, cells[0], 0.7)
        if proposal:
            out.append(proposal)
    return out


def list_rows(
    lines: list[Line], sections: dict[int, str], names: Interventions, fiscal_year: int | None
) -> list[Proposal]:
    if fiscal_year is None or not names.names:
        return []
    out: list[Proposal] = []
    run: list[tuple[Line, str, re.Match]] = []
    for line in lines + [Line(0, None, "end")]:
        if not line.text.strip():
            continue
        match = LIST_LINE.match(line.text) if "\t" not in line.text.strip() else None
        name = names.resolve(match.group("label")) if match else None
        if name:
            run.append((line, name, match))
            continue
        if len({n for _, n, _ in run}) >= 2:
            for found_line, found_name, found in run:
                label = found.group("label").strip()
                section = sections.get(found_line.number, "")
                proposal = _row(found_line, section, fiscal_year, "utfall", found_name, "cost", found, label, 0.6)
                if proposal:
                    out.append(proposal)
        run = []
    return out
