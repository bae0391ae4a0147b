"""Figures in running text: participants, outcomes and money, in their usual phrasings.

- participants: "183 deltagare, varav 97 kvinnor och 86 män", "97 kvinnor och 86 män deltog",
  "127 deltagare avslutades", "45 nya deltagare", "60 procent kvinnor";
- outcomes: "40 procent till arbete eller studier", "12 personer gick vidare till arbete";
- money: "kostnader på 10,3 m.kr", "ett eget kapital på 300 tkr", "årets resultat blev 246 tkr".
A figure the text qualifies (ca, cirka, drygt, knappt, nästan, omkring, över, under) is marked
approximate in `note` and gets a low confidence. More phrasings: prose_people, prose_outcomes,
prose_money, keyfigures. A figure is for the insats its sentence names, or the insats whose
heading is in force (insatser.py, from the document's interventions.csv), else for the whole
förbund (`*`); group `*`.
"""

from __future__ import annotations

import re

from finsam_analysis.curation.aliases import load_aliases
from finsam_analysis.curation.counts import activity_contacts, interventions_over_years
from finsam_analysis.curation.insatser import Interventions
from finsam_analysis.curation.keyfigures import key_figure_rows
from finsam_analysis.curation.proposal import Proposal
from finsam_analysis.curation.prose_money import money_rows
from finsam_analysis.curation.prose_outcomes import outcome_lists, outcome_rows
from finsam_analysis.curation.prose_people import STRUCTURAL, people_rows
from finsam_analysis.curation.sentences import (
    APPROX,
    BULLET,
    Found,
    N,
    approx_note,
    approx_word,
    number,
    number_after,
    paragraphs,
    sentence_of,
    year_of,
)
from finsam_analysis.curation.text import Line

PEOPLE = r"(?:personer|deltagare|individer|unika\s+individer|kvinnor\s+och\s+män)"
GENDER_PAIR = re.compile(
    rf"(?:(?P<total>{N})\s+{PEOPLE}[^.;:\d]{{0,40}}?,?\s*(?:varav|av\s+dessa|av\s+vilka|fördelat\s+på|därav)?\s*)?"
    rf"(?P<a>{N})\s*(?P<pa>%|procent)?\s*(?P<ga>kvinnor|män)\s*(?:och|,|samt|/)\s*(?P<b>{N})\s*(?P<pb>%|procent)?\s*(?P<gb>kvinnor|män)",
    re.I,
)
TOTAL = number_after(
    "",
    tail=rf"\s+(?P<new>nya\s+)?{PEOPLE}\s+(?:har\s+|hade\s+)?(?:under\s+året\s+)?(?P<verb>avslutat\w*|avslutades|avslutas|skrivits\s+ut|skrevs\s+ut|deltagit|deltog|tagit\s+del|varit\s+aktuella|var\s+aktuella|påbörjat|startat|skrivits\s+in|skrevs\s+in|inskrivna)",
    approx=True,
)
NEW = number_after("", tail=rf"\s+nya\s+{PEOPLE}(?!\s+(?:har\s+|hade\s+)?(?:avslut|deltag|deltog))", approx=True)
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


CARD_KEY = re.compile(r"^[A-Za-zÅÄÖåäö][A-Za-zÅÄÖåäö ()/-]{2,40}$")


def _measure(text: str, start: int, end: int) -> str:
    window = sentence_of(text, start, end).lower()
    if re.search(r"deltagit\s+i|deltog\s+i", window) and STRUCTURAL.search(window):
        return "contacts"
    if re.search(r"avslut|skrivits ut|skrevs ut", window):
        return "exited"
    if re.search(r"\bnya\b|påbörja|startat|skrivits in|skrevs in|inskriv", window):
        return "started"
    return "active"


def _participant(year, measure, gender, value, unit, printed, start, confidence, match=None) -> Found:
    row = {"year": year, "intervention": "*", "group": "*", "measure": measure, "gender": gender}
    row.update(
        value=value, unit=unit, note=approx_note(match) if match else "", approx=approx_word(match) if match else ""
    )
    return Found("participants", row, printed, 0.4 if row["note"] else confidence, start)


def _gender_pairs(text, fiscal_year, skip):
    for m in GENDER_PAIR.finditer(text):
        year = year_of(text, m.start(), fiscal_year)
        if year is None or any(s <= m.start("a") < e for s, e in skip):
            continue
        measure = _measure(text, m.start(), m.end())
        skip.append((m.start(), m.end()))
        unit = "pct" if (m.group("pa") or m.group("pb")) else "count"
        if unit == "pct" and abs(int(m.group("a")) + int(m.group("b")) - 100) > 1:
            continue  # shares that do not split one group (e.g. two rates from a survey)
        if m.group("total") and unit == "count":
            total = str(int(number(m.group("total"))))
            yield _participant(year, measure, "total", total, unit, m.group("total"), m.start(), 0.7)
        for value, gender in ((m.group("a"), m.group("ga")), (m.group("b"), m.group("gb"))):
            g = load_aliases().gender(gender)
            yield _participant(year, measure, g, str(int(number(value))), unit, m.group(0), m.start(), 0.7)


def _totals(text, fiscal_year, skip):
    for m in TOTAL.finditer(text):
        year = year_of(text, m.start(), fiscal_year)
        if year is None or any(s <= m.start("n") < e for s, e in skip):
            continue
        verb = m.group("verb").lower()
        if re.match(r"avslut|skriv\w* ut|skrevs ut", verb):
            measure = "exited"
        elif m.group("new") or re.match(r"påbörja|startat|skriv\w* in|skrevs in|inskriv", verb):
            measure = "started"
        elif re.match(r"deltag|deltog", verb) and STRUCTURAL.search(sentence_of(text, m.start(), m.end())):
            measure = "contacts"
        else:
            measure = "active"
        value = str(int(number(m.group("n"))))
        yield _participant(year, measure, "total", value, "count", m.group(0), m.start("n"), 0.65, m)
    for m in NEW.finditer(text):
        year = year_of(text, m.start(), fiscal_year)
        if year is None or any(s <= m.start("n") < e for s, e in skip):
            continue
        value = str(int(number(m.group("n"))))
        yield _participant(year, "started", "total", value, "count", m.group(0), m.start("n"), 0.6, m)


def _outcomes(text, fiscal_year, taken):
    for m in OUTCOME.finditer(text):
        year = year_of(text, m.start(), fiscal_year)
        if year is None or m.start("n") in taken:
            continue
        target = m.group("target").lower()
        outcome = next(code for code, pattern in OUTCOME_TARGETS if re.fullmatch(pattern, target, re.I))
        unit = "pct" if m.group("pct") else "count"
        value = m.group("n").replace(",", ".")
        if unit == "count" and "." in value:
            continue
        taken.add(m.start("n"))
        base = "exited" if unit == "pct" and re.search(r"avslut", sentence_of(text, m.start(), m.end()), re.I) else ""
        row = {"year": year, "intervention": "*", "outcome": outcome, "gender": "total", "value": value}
        row.update(unit=unit, base=base, note=approx_note(m), approx=approx_word(m))
        yield Found("outcomes", row, m.group(0), 0.4 if approx_note(m) else 0.6, m.start("n"))


def paragraph_rows(text: str, fiscal_year: int | None) -> list[Found]:
    """Every figure one paragraph yields."""
    people, spans = people_rows(text, fiscal_year)
    found = people + list(_gender_pairs(text, fiscal_year, spans))
    found += list(_totals(text, fiscal_year, spans))
    taken: set[int] = set()
    found += outcome_rows(text, fiscal_year, taken)
    found += list(_outcomes(text, fiscal_year, taken))
    money = money_rows(text, fiscal_year)
    found += [f for f, _ in money]
    found += key_figure_rows(text, fiscal_year, {start for _, (start, _) in money})
    return found


def _insats(text: str, found: Found, names: Interventions, in_force: str | None) -> str:
    """The insats the figure's sentence names (one only), else the one whose heading is in force."""
    if found.clause:
        named = names.mentions(found.clause)
        return named[0] if len(named) == 1 else in_force or "*"
    if found.start >= 0:
        named = names.mentions(sentence_of(text, found.start, found.start))
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            return "*"
    return in_force or "*"


def card_paragraphs(lines: list[Line]) -> list[tuple[Line, str]]:
    """The "Key<TAB>Value" rows of an insats card ("Antal inskrivna deltagare<TAB>145 deltagare")
    as "Key: Value" paragraphs."""
    out = []
    for line in lines:
        cells = [c.strip() for c in line.text.split("\t") if c.strip()]
        if len(cells) == 2 and CARD_KEY.match(cells[0].rstrip(":")) and re.search(r"[A-Za-zÅÄÖåäö]{3}", cells[1]):
            out.append((line, f"{cells[0].rstrip(':')}: {cells[1]}"))
    return out


def insats_in_force(lines: list[Line], sections: dict[int, str], names: Interventions) -> dict[int, str]:
    """Line number -> the insats whose heading (a short line of its own naming it) is in force,
    until the next numbered section."""
    out, current, since = {}, None, None
    for line in lines:
        section = sections.get(line.number, "")
        if current and section != since:
            current = None
        if section != since and len(names.mentions(section)) == 1:
            current, since = names.mentions(section)[0], section  # "Uppföljning av strukturövergripande insatser"
        cells = [c for c in line.text.split("\t") if c.strip()]
        title = len(cells) == 1 and 0 < len(cells[0].split()) <= 5 and not BULLET.match(cells[0])
        if title and not re.search(r"\d|[.:]$", cells[0].strip()):
            found = names.canonical(cells[0])
            if found:
                current, since = found, section
        if current:
            out[line.number] = current
    return out


def read_prose(
    lines: list[Line],
    sections: dict[int, str],
    fiscal_year: int | None = None,
    interventions: Interventions | None = None,
) -> list[Proposal]:
    names = interventions or Interventions()
    in_force = insats_in_force(lines, sections, names)
    out: list[Proposal] = []
    for first, text in paragraphs(lines) + card_paragraphs(lines):
        if len(text) < 20:
            continue
        section = sections.get(first.number, "")
        page = "" if first.page is None else str(first.page)
        for found in paragraph_rows(text, fiscal_year):
            row = {**found.row, "section": section, "page": page}
            if "intervention" in row:
                row["intervention"] = _insats(text, found, names, in_force.get(first.number))
            out.append(
                Proposal(found.table, row, printed=found.printed, line=first.number, confidence=found.confidence)
            )
    counts = interventions_over_years(lines, sections, names) + activity_contacts(lines, sections, names)
    for proposal in counts:
        if proposal.row["year"] is None:
            proposal.row["year"] = fiscal_year
    out = _one_measure(out)
    return out + _lists(lines, sections, fiscal_year, in_force) + [p for p in counts if p.row["year"] is not None]


def _one_measure(rows: list[Proposal]) -> list[Proposal]:
    """A figure the text gives twice for one insats is one figure: where one sentence says the
    people took part in structural activities (contacts), the other mention, read as active
    participants for want of a measure word, is dropped."""

    def key(p: Proposal) -> tuple:
        r = p.row
        return (r["year"], r["intervention"], r["group"], r["gender"], r["value"], r["unit"])

    contacts = {key(p) for p in rows if p.table == "participants" and p.row["measure"] == "contacts"}
    return [
        p
        for p in rows
        if not (
            p.table == "participants"
            and p.row["measure"] == "active"
            and p.row["intervention"] != "*"
            and key(p) in contacts
        )
    ]


def _lists(lines, sections, fiscal_year, in_force) -> list[Proposal]:
    out = []
    for line, found in outcome_lists(lines, fiscal_year):
        page = "" if line.page is None else str(line.page)
        row = {**found.row, "section": sections.get(line.number, ""), "page": page}
        row["intervention"] = in_force.get(line.number, "*")
        out.append(Proposal(found.table, row, printed=found.printed, line=line.number, confidence=found.confidence))
    return out
