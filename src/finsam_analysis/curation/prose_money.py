"""Money in running text: "kostnader på 10,3 m.kr", "ett eget kapital på 300 tkr",
"årets resultat blev 246 tkr", "uppgick därmed det egna kapitalet till 1 001 433 kr",
"Eget kapital ca 5 400 tkr enligt prognosen".

The noun names the item (costs, income, equity, result, member contributions); the sentence
refines it (a guideline or recommendation -> equity_guideline_cap, a need or minimum ->
equity_minimum_need, "ökningen av eget kapital" -> net_result, "ingående"/"ingång" ->
equity_opening) and gives the basis (budget/prognos words in the sentence). Rows are `text`
statement rows; a figure qualified by ca/cirka/drygt/knappt gets that word in `approx`.
"""

from __future__ import annotations

import re

from finsam_analysis.curation.sentences import APPROX, Found, approx_note, approx_word, number, sentence_of, year_of

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
NOUN = rf"(?P<noun>{'|'.join(p for _, p in MONEY_NOUNS)})"
AMOUNT = (
    r"(?P<sign>[-−–]\s?)?(?P<n>\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)\s*"
    r"(?P<unit>tkr|mkr|m\.?\s?kr|mnkr|miljoner\s+kronor|miljoner|tusen\s+kronor|kronor|kr)\b"
)
VERB = r"(?:på|om|uppgår\s+till|uppgick\s+till|uppgår\s+nu\s+till|var|är|blev|landade\s+på|motsvarande)"
BOUND = r"(?:(?P<bound>minst|högst|max|maximalt)\s+)?"
MONEY_PATTERNS = (
    # noun, verb, amount: "kostnader på 10,3 m.kr"
    re.compile(
        rf"{NOUN}\s+(?:för\s+(?:år\s+)?\d{{4}}\s+|(?:för|från|inom)\s+[a-zåäö]+(?:\s+[a-zåäö]+)?\s+)?{VERB}\s+(?:totalt\s+)?{BOUND}{APPROX}{AMOUNT}",
        re.I,
    ),
    # verb, noun, "till", amount: "uppgick därmed det egna kapitalet till 1 001 433 kr"
    re.compile(
        rf"\b(?:uppgick|uppgår|uppgått)\s+(?:därmed\s+|då\s+|nu\s+)?{NOUN}\s+till\s+(?:totalt\s+)?{APPROX}{AMOUNT}",
        re.I,
    ),
    # noun and an approximate amount without a verb: "Eget kapital ca 5 400 tkr"
    re.compile(rf"{NOUN}\s+(?P<approx>ca\.?|cirka|drygt|knappt)\s+{AMOUNT}", re.I),
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
    "miljonerkr": "mkr",
    "kronor": "kr",
    "kr": "kr",
}


def money_rows(text: str, fiscal_year: int | None) -> list[tuple[Found, tuple[int, int]]]:
    """Every money phrase of a paragraph, with the span of its amount."""
    out, seen = [], set()
    for pattern in MONEY_PATTERNS:
        for m in pattern.finditer(text):
            if m.start("n") in seen:
                continue
            found = _money(text, m, fiscal_year)
            if found:
                seen.add(m.start("n"))
                out.append((found, (m.start("n"), m.end())))
    return out


def _item(noun: str, sentence: str, before: str) -> str:
    item = next(code for code, pattern in MONEY_NOUNS if re.fullmatch(pattern, noun, re.I))
    if item != "equity":
        return item
    if re.search(r"(?:ökning|minskning)\w*(?:\s*\([^)]*\))?\s+av\s*$", before, re.I):
        return "net_result"  # "den budgeterade ökningen av eget kapital var ...": the year's result
    if re.search(r"ingång\b|ingående|vid\s+årets\s+början", before, re.I):
        return "equity_opening"
    if re.search(r"riktlinje|rekommend|\btak\b", sentence, re.I):
        return "equity_guideline_cap"
    if re.search(r"\bbehov\b|lägsta|minst", sentence, re.I):
        return "equity_minimum_need"
    return item


def _basis(sentence: str, before: str) -> str:
    if re.search(r"budget", before, re.I) or re.search(r"enligt\s+budget", sentence, re.I):
        return "budget"
    if re.search(r"prognos", before, re.I) or re.search(r"enligt\s+prognos", sentence, re.I):
        return "prognos"
    return "utfall"


def _money(text: str, m: re.Match, fiscal_year: int | None) -> Found | None:
    year = year_of(text, m.start(), fiscal_year)
    value = number(m.group("n"))
    if year is None or value is None:
        return None
    noun = m.group("noun").lower()
    sentence = sentence_of(text, m.start(), m.end())
    before = sentence[: max(sentence.lower().find(m.group(0).lower()), 0)]
    item = _item(noun, sentence, before)
    decimals = len(m.group("n").partition(",")[2])
    negative = (
        bool(m.group("sign")) or item == "operating_costs" or re.search(r"underskott|minusresultat|negativt", noun)
    )
    if negative:
        value = -abs(value)
    unit = UNITS.get(re.sub(r"\s", "", m.group("unit").lower()), "kr")
    printed_without_sign = item == "operating_costs" and not m.group("sign")
    notes = [n for n in (approx_note(m), "printed without sign" if printed_without_sign else "") if n]
    row = {
        "statement": "text",
        "year": year,
        "basis": _basis(sentence, before),
        "item": item,
        "value": f"{value:.{decimals}f}",
        "unit": unit,
        "note": "; ".join(notes),
        "approx": approx_word(m),
    }
    return Found("financials", row, m.group(0), 0.4 if approx_note(m) else 0.6)
