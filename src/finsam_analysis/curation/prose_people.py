"""Participant figures in running text beyond "N deltagare avslutades" (prose.py):

- verb first: "Insatserna har avslutat drygt 250 deltagare", "har insatserna arbetat med totalt
  416 deltagare", "har nått ut till 154 deltagare", "kunnat ge stöd till 145 deltagare",
  "tagit emot 45 nya deltagare", events that "lockade drygt 290 deltagare" (contacts);
- referrals: "232 remisser har inkommit";
- carried over: "de 184 deltagare (60% kvinnor/40% män) som följde med in i 2025" (year 2024);
- targets: "målet att arbeta med minst 500 deltagare", "Insatsmålet för 2024 var 150
  deltagare", "förväntades insatsen ha ungefär 150 deltagare", "budget om 500 personer"
  (skipped when the sentence spans other years: a target for a project period);
- exits: "66 av de 100 avslutade deltagarna" (100 exited), "inga deltagare har avslutats" (0);
- gender: "67 % män, 22 % kvinnor och 11% annat", "Antal kvinnor som deltog var 426 och antal
  män 224";
- structural activities: "70 personer deltagit i utbildning i ...", "Antalet deltagare i
  strukturövergripande insatser är 941 personer" (contacts);
- a card line "Antal inskrivna deltagare: 145 deltagare" (active).
Each figure carries its offset so that prose.py can give it the insats its clause names.
"""

from __future__ import annotations

import re

from finsam_analysis.curation.aliases import load_aliases
from finsam_analysis.curation.sentences import (
    YEAR,
    Found,
    N,
    approx_note,
    approx_word,
    number,
    number_after,
    sentence_of,
    year_of,
)

PEOPLE = r"(?:personer|deltagare|individer|medarbetare)"
STRUCTURAL = re.compile(
    r"utbildning|möte|nätverk|workshop|seminari|konferens|föreläsning|mässa|event|kompetensutveckling|struktur", re.I
)
VERB_MEASURES = (
    ("exited", r"avslutat"),
    ("active", r"arbetat\s+med|nått\s+ut\s+till|kunnat\s+ge\s+stöd\s+till|gett\s+stöd\s+till|stöttat"),
    ("started", r"tagit\s+emot|skrivit\s+in"),
)
VERB_FIRST = number_after(
    r"\b(?:har|hade)\s+(?:[\wåäö]+\s+){0,3}?(?P<verb>" + "|".join(p for _, p in VERB_MEASURES) + r")\s+(?:totalt\s+)?",
    tail=rf"\s+(?P<new>nya\s+)?{PEOPLE}",
    approx=True,
)
ATTRACTED = number_after(
    r"\b(?:lockade|lockat|samlade|samlat)\s+(?:totalt\s+)?", tail=r"\s+(?:deltagare|besökare|personer)", approx=True
)
REFERRALS = number_after("", tail=r"\s+remisser\s+(?:har\s+)?(?:inkommit|kommit\s+in|inkom|kom\s+in)")
CARRIED = number_after(
    "",
    tail=rf"\s+{PEOPLE}\s*(?:\((?P<inner>[^)]*)\))?\s+som\s+(?:följde\s+med|fortsatte|gick\s+över)\s+in\s+i\s+"
    r"(?P<year>(?:19|20)\d{2})",
)
SHARE = re.compile(r"(?P<n>\d{1,3})\s*%\s*(?P<g>kvinnor|män|annat)", re.I)
TARGET = number_after(
    r"\b(?:mål(?:et|en)?|målsättning\w*|insatsmål\w*|budget(?:en|erat)?|förväntades)\b[^.]{0,70}?"
    r"\b(?:(?P<bound>minst|ungefär|ca|cirka)\s+)?",
    tail=r"\s+(?:deltagare|personer)",
)
N_OF_EXITED = re.compile(rf"(?P<k>{N})\s+av\s+(?:de\s+)?(?P<n>{N})\s+avslutade\s+deltagar\w*", re.I)
NONE_EXITED = re.compile(r"\binga\s+deltagare\s+(?:har\s+)?(?:avslutats|avslutat)", re.I)
GENDER_THREE = re.compile(
    r"(?P<a>\d{1,3})\s*%\s*(?P<ga>kvinnor|män|annat)\s*,\s*(?P<b>\d{1,3})\s*%\s*(?P<gb>kvinnor|män|annat)\s+och\s+"
    r"(?P<c>\d{1,3})\s*%\s*(?P<gc>kvinnor|män|annat)",
    re.I,
)
COUNT_BY_GENDER = number_after(
    r"\bantal(?:et)?\s+(?P<g>kvinnor|män)\s+(?:som\s+(?:deltog|deltagit)\s+)?(?:var|är|uppgick\s+till)?\s*", tail=r"\b"
)
TOOK_PART_IN = number_after(
    "", tail=r"\s+(?:personer|deltagare)\s+(?:har\s+)?deltagit\s+i\s+(?P<what>(?:(?!\bsamt\b)[^,.;])+)"
)
COUNT_IN = number_after(
    r"\bantal(?:et)?\s+deltagare\s+i\s+(?P<what>[^.]{3,60}?)\s+(?:är|var|uppgår\s+till|uppgick\s+till)\s+",
    tail=rf"\s+{PEOPLE}",
)
CARD_COUNT = number_after(
    r"^antal\s+(?P<kind>inskrivna|aktuella|nya|avslutade)?\s*deltagare\s*:\s*", tail=r"(?:\s+deltagare)?\s*$"
)


def _row(year, measure, gender, value, unit, printed, start, match=None, confidence=0.6) -> Found:
    row = {
        "year": year,
        "intervention": "*",
        "group": "*",
        "measure": measure,
        "gender": gender,
        "value": str(value),
        "unit": unit,
        "note": approx_note(match) if match is not None else "",
        "approx": approx_word(match) if match is not None else "",
    }
    return Found("participants", row, printed, 0.4 if row["note"] else confidence, start)


def people_rows(text: str, fiscal_year: int | None) -> tuple[list[Found], list[tuple[int, int]]]:
    """The figures, and the spans they cover (so the older readers skip them)."""
    out: list[Found] = []
    spans: list[tuple[int, int]] = []
    for reader in (_verb_first, _referrals, _carried, _targets, _exits, _genders, _structural, _card):
        for found, span in reader(text, fiscal_year):
            if any(s <= span[0] < e for s, e in spans):
                continue
            out.append(found)
            spans.append(span)
    return out, spans


def _year(text, m, fiscal_year):
    return year_of(text, m.start(), fiscal_year)


def _verb_first(text, fiscal_year):
    for m in VERB_FIRST.finditer(text):
        year = _year(text, m, fiscal_year)
        if year is None:
            continue
        verb = m.group("verb").lower()
        measure = next(code for code, p in VERB_MEASURES if re.fullmatch(p, verb, re.I))
        if m.group("new"):
            measure = "started"
        elif measure == "active" and STRUCTURAL.search(sentence_of(text, m.start(), m.end())):
            measure = "contacts"
        value = int(number(m.group("n")))
        yield _row(year, measure, "total", value, "count", m.group(0), m.start("n"), m), (m.start("n"), m.end())
    for m in ATTRACTED.finditer(text):
        year = _year(text, m, fiscal_year)
        if year is not None:
            value = int(number(m.group("n")))
            yield _row(year, "contacts", "total", value, "count", m.group(0), m.start("n"), m), (m.start("n"), m.end())


def _referrals(text, fiscal_year):
    for m in REFERRALS.finditer(text):
        year = _year(text, m, fiscal_year)
        if year is not None:
            value = int(number(m.group("n")))
            yield _row(year, "referred", "total", value, "count", m.group(0), m.start("n")), (m.start(), m.end())


def _carried(text, fiscal_year):
    for m in CARRIED.finditer(text):
        year = int(m.group("year")) - 1  # "som följde med in i 2025": still there at the end of 2024
        value = int(number(m.group("n")))
        yield _row(year, "carried_over", "total", value, "count", m.group(0), m.start("n")), (m.start("n"), m.end("n"))
        for share in SHARE.finditer(m.group("inner") or ""):
            gender = load_aliases().gender(share.group("g"))
            yield (
                _row(year, "carried_over", gender, int(share.group("n")), "pct", m.group(0), m.start("n")),
                (m.start("inner") + share.start(), m.start("inner") + share.end()),
            )


def _targets(text, fiscal_year):
    for m in TARGET.finditer(text):
        year = year_of(text, m.start("n"), fiscal_year)
        sentence = sentence_of(text, m.start(), m.end())
        if year is None or any(int(y) != year for y in YEAR.findall(sentence)):
            continue  # a target over a project period, not the year's
        value = int(number(m.group("n")))
        yield _row(year, "target", "total", value, "count", m.group(0), m.start("n")), (m.start("n"), m.end())


def _exits(text, fiscal_year):
    for m in N_OF_EXITED.finditer(text):
        year = _year(text, m, fiscal_year)
        if year is not None:
            value = int(number(m.group("n")))
            yield _row(year, "exited", "total", value, "count", m.group(0), m.start("n")), (m.start("n"), m.end())
    for m in NONE_EXITED.finditer(text):
        year = _year(text, m, fiscal_year)
        if year is not None:
            yield _row(year, "exited", "total", 0, "count", m.group(0), m.start()), (m.start(), m.end())


def _genders(text, fiscal_year):
    for m in GENDER_THREE.finditer(text):
        year = _year(text, m, fiscal_year)
        if year is None:
            continue
        for value, gender in (("a", "ga"), ("b", "gb"), ("c", "gc")):
            g = load_aliases().gender(m.group(gender))
            yield (
                _row(year, "active", g, int(m.group(value)), "pct", m.group(0), m.start()),
                (m.start(value), m.end(value)),
            )
    for m in COUNT_BY_GENDER.finditer(text):
        year = _year(text, m, fiscal_year)
        if year is not None:
            g = load_aliases().gender(m.group("g"))
            yield (
                _row(year, "active", g, int(number(m.group("n"))), "count", m.group(0), m.start()),
                (m.start("n"), m.end()),
            )


def _structural(text, fiscal_year):
    for pattern in (TOOK_PART_IN, COUNT_IN):
        for m in pattern.finditer(text):
            year = _year(text, m, fiscal_year)
            if year is None or not STRUCTURAL.search(m.group("what")):
                continue
            value = int(number(m.group("n")))
            found = _row(year, "contacts", "total", value, "count", m.group(0), m.start("what"))
            found.clause = m.group("what")
            yield (
                found,
                (m.start("n"), m.end("n")),
            )


def _card(text, fiscal_year):
    m = CARD_COUNT.match(text.strip())
    if m and fiscal_year is not None:
        kind = (m.group("kind") or "").lower()
        measure = {"nya": "started", "avslutade": "exited"}.get(kind, "active")
        value = int(number(m.group("n")))
        yield _row(fiscal_year, measure, "total", value, "count", m.group(0), 0), (m.start("n"), m.end("n"))
