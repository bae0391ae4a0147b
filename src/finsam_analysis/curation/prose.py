"""Figures in running text: participants, outcomes and money, in their usual phrasings.

- participants: "183 deltagare, varav 97 kvinnor och 86 män", "97 kvinnor och 86 män deltog",
  "127 deltagare avslutades", "45 nya deltagare", "60 procent kvinnor";
- outcomes: "40 procent till arbete eller studier", "12 personer gick vidare till arbete";
- money: "kostnader på 10,3 m.kr", "ett eget kapital på 300 tkr", "årets resultat blev 246 tkr".
A figure the text qualifies (ca, cirka, drygt, knappt, nästan, omkring, över, under) is marked
approximate in `note` and gets a low confidence. Whole förbund only (intervention and group
`*`): which insats a sentence is about is for the curator to decide.
"""

from __future__ import annotations

import re

from finsam_analysis.curation.keyfigures import key_figure_rows
from finsam_analysis.curation.proposal import Proposal
from finsam_analysis.curation.prose_money import money_rows
from finsam_analysis.curation.sentences import APPROX, N, approx_note, number, paragraphs, sentence_of, year_of
from finsam_analysis.curation.text import Line

PEOPLE = r"(?:personer|deltagare|individer|unika\s+individer|kvinnor\s+och\s+män)"
GENDER_PAIR = re.compile(
    rf"(?:(?P<total>{N})\s+{PEOPLE}[^.;:\d]{{0,40}}?,?\s*(?:varav|av\s+dessa|av\s+vilka|fördelat\s+på|därav)?\s*)?"
    rf"(?P<a>{N})\s*(?P<pa>%|procent)?\s*(?P<ga>kvinnor|män)\s*(?:och|,|samt)\s*(?P<b>{N})\s*(?P<pb>%|procent)?\s*(?P<gb>kvinnor|män)",
    re.I,
)
TOTAL = re.compile(
    rf"{APPROX}(?P<n>{N})\s+(?P<new>nya\s+)?{PEOPLE}\s+(?:har\s+|hade\s+)?(?:under\s+året\s+)?(?P<verb>avslutat\w*|avslutades|avslutas|skrivits\s+ut|skrevs\s+ut|deltagit|deltog|tagit\s+del|varit\s+aktuella|var\s+aktuella|påbörjat|startat|skrivits\s+in|skrevs\s+in|inskrivna)",
    re.I,
)
NEW = re.compile(rf"{APPROX}(?P<n>{N})\s+nya\s+{PEOPLE}(?!\s+(?:har\s+|hade\s+)?(?:avslut|deltag|deltog))", re.I)
OUTCOME_TARGETS = (
    ("work_or_studies", r"arbete\s+eller\s+studier|studier\s+eller\s+arbete|arbete\s+och\s+studier|arbete/studier"),
    ("work", r"arbete|anställning|jobb"),
    ("studies", r"studier|utbildning"),
    ("job_seeking", r"arbetssökande"),
    ("continued_rehab", r"fortsatt\s+rehabilitering|fortsatt\s+arbetslivsinriktad\s+rehabilitering"),
    ("gemensam_kartlaggning", r"gemensam\s+kartläggning"),
)
OUTCOME = re.compile(
    rf"{APPROX}(?P<n>\d+(?:,\d+)?)\s*(?P<pct>%|procent)?\s*"
    rf"(?:{PEOPLE}\s+|av\s+(?:de\s+)?(?:avslutade|deltagarna)\s+)?(?:har\s+|hade\s+)?"
    r"(?:gått|gick|går|gått\s+vidare|gick\s+vidare|kom|kommit)?\s*(?:vidare\s+)?(?:ut\s+)?"
    rf"till\s+(?P<target>{'|'.join(p for _, p in OUTCOME_TARGETS)})\b",
    re.I,
)


def _measure(text: str, start: int, end: int) -> str:
    window = sentence_of(text, start, end).lower()
    if re.search(r"avslut|skrivits ut|skrevs ut", window):
        return "exited"
    if re.search(r"\bnya\b|påbörja|startat|skrivits in|skrevs in|inskriv", window):
        return "started"
    return "active"


def read_prose(lines: list[Line], sections: dict[int, str], fiscal_year: int | None = None) -> list[Proposal]:
    out: list[Proposal] = []
    for first, text in paragraphs(lines):
        if len(text) < 25:
            continue
        section = sections.get(first.number, "")
        page = "" if first.page is None else str(first.page)
        base = {"section": section, "page": page}

        def add(table, row, printed, confidence, base=base, first=first):
            out.append(
                Proposal(
                    table,
                    {**row, **base, "note": row.get("note", "")},
                    printed=printed,
                    line=first.number,
                    confidence=confidence,
                )
            )

        gender_spans = []
        for m in GENDER_PAIR.finditer(text):
            year = year_of(text, m.start(), fiscal_year)
            if year is None:
                continue
            measure = _measure(text, m.start(), m.end())
            gender_spans.append((m.start(), m.end()))
            unit = "pct" if (m.group("pa") or m.group("pb")) else "count"
            common = {"year": year, "intervention": "*", "group": "*", "measure": measure, "unit": unit}
            if m.group("total") and unit == "count":
                add(
                    "participants",
                    {**common, "gender": "total", "value": str(int(number(m.group("total"))))},
                    m.group("total"),
                    0.7,
                )
            for value, gender in ((m.group("a"), m.group("ga")), (m.group("b"), m.group("gb"))):
                add(
                    "participants",
                    {
                        **common,
                        "gender": "kvinna" if gender.lower() == "kvinnor" else "man",
                        "value": str(int(number(value))),
                    },
                    m.group(0),
                    0.7,
                )
        for m in TOTAL.finditer(text):
            if any(s <= m.start("n") < e for s, e in gender_spans):
                continue
            year = year_of(text, m.start(), fiscal_year)
            if year is None:
                continue
            verb = m.group("verb").lower()
            measure = (
                "exited"
                if re.match(r"avslut|skriv\w* ut|skrevs ut", verb)
                else "started"
                if (m.group("new") or re.match(r"påbörja|startat|skriv\w* in|skrevs in|inskriv", verb))
                else "active"
            )
            note = approx_note(m)
            add(
                "participants",
                {
                    "year": year,
                    "intervention": "*",
                    "group": "*",
                    "measure": measure,
                    "gender": "total",
                    "value": str(int(number(m.group("n")))),
                    "unit": "count",
                    "note": note,
                },
                m.group(0),
                0.4 if note else 0.65,
            )
        for m in NEW.finditer(text):
            year = year_of(text, m.start(), fiscal_year)
            if year is None or any(s <= m.start("n") < e for s, e in gender_spans):
                continue
            note = approx_note(m)
            add(
                "participants",
                {
                    "year": year,
                    "intervention": "*",
                    "group": "*",
                    "measure": "started",
                    "gender": "total",
                    "value": str(int(number(m.group("n")))),
                    "unit": "count",
                    "note": note,
                },
                m.group(0),
                0.4 if note else 0.6,
            )
        for m in OUTCOME.finditer(text):
            year = year_of(text, m.start(), fiscal_year)
            if year is None:
                continue
            target = m.group("target").lower()
            outcome = next(code for code, pattern in OUTCOME_TARGETS if re.fullmatch(pattern, target, re.I))
            unit = "pct" if m.group("pct") else "count"
            value = m.group("n").replace(",", ".")
            if unit == "count" and "." in value:
                continue
            note = approx_note(m)
            add(
                "outcomes",
                {
                    "year": year,
                    "intervention": "*",
                    "outcome": outcome,
                    "gender": "total",
                    "value": value,
                    "unit": unit,
                    "base": "",
                    "note": note,
                },
                m.group(0),
                0.4 if note else 0.6,
            )
        money = money_rows(text, fiscal_year)
        for found, _ in money:
            add(found.table, found.row, found.printed, found.confidence)
        for found in key_figure_rows(text, fiscal_year, {start for _, (start, _) in money}):
            add(found.table, found.row, found.printed, found.confidence)
    return out
