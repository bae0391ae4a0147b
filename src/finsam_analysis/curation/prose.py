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

from finsam_analysis.curation.numbers import parse_figure
from finsam_analysis.curation.proposal import Proposal
from finsam_analysis.curation.text import Line

N = r"(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)"
APPROX = r"(?P<approx>ca\.?|cirka|drygt|knappt|nästan|omkring|runt|över|under|uppemot)?\s*"
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
MONEY_NOUNS = (
    ("operating_costs", r"(?:de\s+)?(?:totala\s+)?kostnader(?:na)?|kostnaderna"),
    ("operating_income", r"(?:de\s+)?(?:totala\s+)?intäkter(?:na)?"),
    ("equity", r"(?:ett\s+|det\s+)?eg(?:et|na)\s+kapital(?:et)?"),
    (
        "net_result",
        r"(?:ett\s+)?(?:positivt\s+|negativt\s+)?(?:årets\s+)?resultat(?:et)?|verksamhetsresultatet|ett\s+plusresultat"
        r"|ett\s+minusresultat|ett\s+överskott|ett\s+underskott|överskottet|underskottet",
    ),
    (
        "member_contribution_total",
        r"medlemsbidrag(?:en)?|medlemsavgifter(?:na)?|medlemsfinansiering(?:en)?|medlemsintäkter(?:na)?",
    ),
)
MONEY = re.compile(
    rf"(?P<noun>{'|'.join(p for _, p in MONEY_NOUNS)})\s+(?:för\s+(?:år\s+)?\d{{4}}\s+|för\s+verksamheten\s+)?"
    r"(?:på|om|uppgår\s+till|uppgick\s+till|uppgår\s+nu\s+till|var|är|blev|landade\s+på|motsvarande)\s+"
    rf"(?:totalt\s+)?{APPROX}"
    r"(?P<sign>[-−–]\s?)?(?P<n>\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)\s*"
    r"(?P<unit>tkr|mkr|m\.?\s?kr|mnkr|miljoner\s+kronor|miljoner|tusen\s+kronor|kronor|kr)\b",
    re.I,
)
UNITS = {
    "tkr": "tkr",
    "tusenkronor": "tkr",
    "mkr": "mkr",
    "m.kr": "mkr",
    "mkr.": "mkr",
    "mnkr": "mkr",
    "miljonerkronor": "mkr",
    "miljoner": "mkr",
    "kronor": "kr",
    "kr": "kr",
}
YEAR = re.compile(r"\b(20\d{2}|19\d{2})\b")
SENTENCE_END = re.compile(r"(?<!\bca)(?<!\bbl\.a)[.!?]\)?\s+(?=[A-ZÅÄÖ(\d])")


def paragraphs(lines: list[Line]) -> list[tuple[Line, str]]:
    """Runs of non-empty lines joined with spaces (the first line carries number and page)."""
    out, current, first = [], [], None
    for line in lines + [Line(0, None, "")]:
        if line.text.strip() and "\t" not in line.text:
            if first is None:
                first = line
            current.append(line.text.strip())
        elif current:
            out.append((first, re.sub(r"\s+", " ", " ".join(current)).replace("**", "")))
            current, first = [], None
    return out


def _year(text: str, start: int, fiscal_year: int | None) -> int | None:
    """The year a figure refers to: a year printed just before it in the sentence, else the fiscal year."""
    boundaries = [m.end() for m in SENTENCE_END.finditer(text) if m.end() <= start] + [text.rfind("(", 0, start) + 1]
    sentence_start = max(boundaries + [0])
    before = text[sentence_start:start]
    if re.search(r"föregående\s+år|förra\s+året|året\s+innan", before, re.I) and fiscal_year:
        return fiscal_year - 1
    years = YEAR.findall(before)
    if years:
        return int(years[-1])
    return fiscal_year


def _sentence(text: str, start: int, end: int) -> str:
    first = max([m.end() for m in SENTENCE_END.finditer(text) if m.end() <= start] + [0])
    last = SENTENCE_END.search(text, end)
    return text[first : last.start() if last else len(text)]


def _measure(text: str, start: int, end: int) -> str:
    window = _sentence(text, start, end).lower()
    if re.search(r"avslut|skrivits ut|skrevs ut", window):
        return "exited"
    if re.search(r"\bnya\b|påbörja|startat|skrivits in|skrevs in|inskriv", window):
        return "started"
    return "active"


def _approx(match: re.Match) -> str:
    word = match.groupdict().get("approx")
    return f"approximate: printed '{word}'" if word else ""


def _number(text: str) -> float:
    return parse_figure(text.replace("\u00a0", " "))


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
            year = _year(text, m.start(), fiscal_year)
            if year is None:
                continue
            measure = _measure(text, m.start(), m.end())
            gender_spans.append((m.start(), m.end()))
            unit = "pct" if (m.group("pa") or m.group("pb")) else "count"
            common = {"year": year, "intervention": "*", "group": "*", "measure": measure, "unit": unit}
            if m.group("total") and unit == "count":
                add(
                    "participants",
                    {**common, "gender": "total", "value": str(int(_number(m.group("total"))))},
                    m.group("total"),
                    0.7,
                )
            for value, gender in ((m.group("a"), m.group("ga")), (m.group("b"), m.group("gb"))):
                add(
                    "participants",
                    {
                        **common,
                        "gender": "kvinna" if gender.lower() == "kvinnor" else "man",
                        "value": str(int(_number(value))),
                    },
                    m.group(0),
                    0.7,
                )
        for m in TOTAL.finditer(text):
            if any(s <= m.start("n") < e for s, e in gender_spans):
                continue
            year = _year(text, m.start(), fiscal_year)
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
            note = _approx(m)
            add(
                "participants",
                {
                    "year": year,
                    "intervention": "*",
                    "group": "*",
                    "measure": measure,
                    "gender": "total",
                    "value": str(int(_number(m.group("n")))),
                    "unit": "count",
                    "note": note,
                },
                m.group(0),
                0.4 if note else 0.65,
            )
        for m in NEW.finditer(text):
            year = _year(text, m.start(), fiscal_year)
            if year is None or any(s <= m.start("n") < e for s, e in gender_spans):
                continue
            note = _approx(m)
            add(
                "participants",
                {
                    "year": year,
                    "intervention": "*",
                    "group": "*",
                    "measure": "started",
                    "gender": "total",
                    "value": str(int(_number(m.group("n")))),
                    "unit": "count",
                    "note": note,
                },
                m.group(0),
                0.4 if note else 0.6,
            )
        for m in OUTCOME.finditer(text):
            year = _year(text, m.start(), fiscal_year)
            if year is None:
                continue
            target = m.group("target").lower()
            outcome = next(code for code, pattern in OUTCOME_TARGETS if re.fullmatch(pattern, target, re.I))
            unit = "pct" if m.group("pct") else "count"
            value = m.group("n").replace(",", ".")
            if unit == "count" and "." in value:
                continue
            note = _approx(m)
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
        for m in MONEY.finditer(text):
            year = _year(text, m.start(), fiscal_year)
            if year is None:
                continue
            noun = m.group("noun").lower()
            item = next(code for code, pattern in MONEY_NOUNS if re.fullmatch(pattern, noun, re.I))
            value = _number(m.group("n"))
            if value is None:
                continue
            decimals = len(m.group("n").partition(",")[2])
            negative = bool(m.group("sign")) or item == "operating_costs" or "underskott" in noun
            if negative:
                value = -abs(value)
            unit = UNITS.get(re.sub(r"\s", "", m.group("unit").lower()), "kr")
            sentence = _sentence(text, m.start(), m.end()).lower()
            before = sentence[: max(sentence.find(m.group(0).lower()), 0)]
            basis = "budget" if "budget" in before else "prognos" if "prognos" in before else "utfall"
            if item == "equity" and re.search(r"riktlinje|rekommend|\btak\b", sentence):
                item = "equity_guideline_cap"
            elif item == "equity" and re.search(r"\bbehov\b|lägsta|minst", sentence):
                item = "equity_minimum_need"
            if "minusresultat" in noun or "negativt" in noun:
                value = -abs(value)
            notes = [
                n
                for n in (
                    _approx(m),
                    "printed without sign" if item == "operating_costs" and not m.group("sign") else "",
                )
                if n
            ]
            add(
                "financials",
                {
                    "statement": "text",
                    "year": year,
                    "basis": basis,
                    "item": item,
                    "value": f"{value:.{decimals}f}",
                    "unit": unit,
                    "note": "; ".join(notes),
                },
                m.group(0),
                0.4 if _approx(m) else 0.6,
            )
    return out
