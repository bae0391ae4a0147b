"""Key figures in running text that are not "noun + verb + amount".

- equity moving: "det egna kapitalet ökade med 3 501 873 kr och uppgår till 5 967 664 kr"
  (the increase is the year's result, then the closing equity), "eget kapital har ökat från
  2 466 tkr till 5 967 tkr" (opening and closing equity);
- the guideline: "rekommenderat en nivå för eget kapital ... med ca 3 miljoner kr", "under
  nivån på ca 3 Mkr i enlighet med Nationella rådets rekommendationer" (equity_guideline_cap),
  "rekommenderat tak om 20 procent" (equity_guideline_share), "eget kapital ... 21,2 procent
  av årets erhållna medlemsbidrag" (equity_share_of_contributions), "max 300 000 kr ska utgöra
  det egna kapitalet" (equity_cap_board, a ceiling: basis budget);
- shares of the funds: "knappt 70 % nyttjades till individinriktade insatser",
  "20 % av förbundets kostnader avsåg utbildnings- och utvecklingskostnader";
- the board: "styrelsen har utökats från 14 till 22 ledamöter" (last year and this year).
Every row is a `text` statement row; ca/cirka/drygt/knappt go to `approx`.
"""

from __future__ import annotations

import re

from finsam_analysis.curation.prose_money import UNITS
from finsam_analysis.curation.sentences import (
    Found,
    approx_note,
    approx_word,
    number,
    number_after,
    sentence_of,
    year_of,
)

AMOUNT = r"(?P<{name}>\d{{1,3}}(?:[ \u00a0]\d{{3}})+(?:,\d+)?|\d+(?:,\d+)?)\s*(?P<{unit}>tkr|mkr|m\.?\s?kr|mnkr|miljoner\s+kr(?:onor)?|miljoner|kronor|kr)?\b"
EQUITY = r"eg(?:et|na)\s+kapital(?:et)?"
PCT = r"(?P<n>\d{1,2}(?:,\d+)?)\s*(?:%|procent)"
EQUITY_CHANGE = number_after(
    rf"(?:{EQUITY}\s+(?:har\s+)?(?P<verb>ökade|ökat|minskade|minskat)"
    rf"|(?P<verb2>ökade|ökat|minskade|minskat)\s+(?:[a-zåäö]+\s+)?{EQUITY})\s+med\s+",
    AMOUNT.format(name="a", unit="ua"),
    rf"\s+(?:och|till)\s+(?:uppgår|uppgick)\s+(?:nu\s+)?till\s+{AMOUNT.format(name='b', unit='ub')}",
)
EQUITY_FROM_TO = number_after(
    rf"{EQUITY}\s+(?:har\s+)?(?:ökat|ökade|minskat|minskade|gått|gick)\s+från\s+",
    AMOUNT.format(name="a", unit="ua"),
    rf"\s+till\s+{AMOUNT.format(name='b', unit='ub')}",
)
GUIDELINE_LEVEL = number_after(
    r"\b(?:nivå|nivån|tak|taket)\b[^.\d]{0,70}?\b(?:på|om|med|under|till)\s+",
    AMOUNT.format(name="n", unit="unit"),
    approx=True,
)
GUIDELINE_WORDS = re.compile(r"rekommend|riktlinje|nationella\s+rådet", re.I)
GUIDELINE_SHARE = number_after(
    r"(?:rekommenderat?|riktlinjens?)\s+(?:tak|nivå)\w*\s+(?:om|på|är|för)?\s*", PCT, approx=True
)
SHARE_OF_CONTRIBUTIONS = number_after(
    rf"{EQUITY}\b[^.%]{{0,60}}?(?:till|var|är|motsvarar|utgör|uppgår\s+till)\s+(?:[^.%]{{0,30}}?\s)?",
    PCT,
    r"\s+av\s+(?:årets\s+)?(?:erhållna\s+)?(?:medlemsbidrag|medlemsavgifter|bidrag)",
    approx=True,
)
BOARD_CAP = number_after(
    r"(?:max|högst|maximalt)\s+",
    AMOUNT.format(name="n", unit="unit"),
    rf"\s+(?:ska|får)\s+utgöra\s+(?:det\s+)?{EQUITY}",
)
INDIVIDUAL_SHARE = number_after(
    "", PCT, r"[^.%]{0,80}?\b(?:använts|nyttjades|nyttjats|gick|avsåg)\s+[^.%]{0,60}?individ\w*\s+insats", approx=True
)
COMPETENCE_SHARE = number_after(
    "",
    PCT,
    r"\s+av\s+(?:förbundets\s+)?(?:totala\s+)?(?:kostnader|medel)\s+(?:avsåg|gick\s+till|användes\s+till)"
    r"\s+(?:utbildning|kompetensutveckling)",
    approx=True,
)
BOARD = re.compile(
    r"styrelsen\s+(?:har\s+)?(?:utökats|utökades|minskats|minskades|ändrats)\s+(?:från\s+(?P<a>\d{1,2})\s+)?till\s+"
    r"(?P<b>\d{1,2})\s+(?:personer|ledamöter|ordinarie\s+ledamöter)",
    re.I,
)


def key_figure_rows(text: str, fiscal_year: int | None, taken: set[int] | None = None) -> list[Found]:
    """Every key-figure phrase of a paragraph (skipping amounts at offsets in `taken`)."""
    taken = taken or set()
    out: list[Found] = []
    for reader in (_equity_moves, _guideline_levels, _shares, _board):
        for found, start in reader(text, fiscal_year):
            if start not in taken:
                taken.add(start)
                out.append(found)
    return out


def _row(item, year, value, decimals, unit, match, printed, basis="utfall", approx=None, confidence=0.6):
    approx = approx if approx is not None else match
    row = {
        "statement": "text",
        "year": year,
        "basis": basis,
        "item": item,
        "value": f"{value:.{decimals}f}",
        "unit": unit,
        "note": approx_note(approx) if approx is not None else "",
        "approx": approx_word(approx) if approx is not None else "",
    }
    return Found("financials", row, printed, 0.4 if row["note"] else confidence)


def _amount(m: re.Match, name: str, unit: str, default: str | None) -> tuple[float, int, str] | None:
    printed = m.group(name)
    value = number(printed)
    found = m.group(unit) or default
    if value is None or not found:
        return None
    return value, len(printed.partition(",")[2]), UNITS.get(re.sub(r"\s", "", found.lower()), "kr")


def _equity_moves(text: str, fiscal_year: int | None):
    for pattern, first_item in ((EQUITY_CHANGE, "net_result"), (EQUITY_FROM_TO, "equity_opening")):
        for m in pattern.finditer(text):
            year = year_of(text, m.start(), fiscal_year)
            b = _amount(m, "b", "ub", None)
            a = _amount(m, "a", "ua", m.group("ub"))
            if year is None or a is None or b is None:
                continue
            value_a = a[0]
            verb = m.groupdict().get("verb") or m.groupdict().get("verb2") or ""
            if first_item == "net_result" and "minsk" in verb.lower():
                value_a = -abs(value_a)
            yield _row(first_item, year, value_a, a[1], a[2], None, m.group(0)), m.start("a")
            yield _row("equity", year, b[0], b[1], b[2], None, m.group(0)), m.start("b")


def _guideline_levels(text: str, fiscal_year: int | None):
    for m in GUIDELINE_LEVEL.finditer(text):
        sentence = sentence_of(text, m.start(), m.end())
        if not (GUIDELINE_WORDS.search(sentence) and re.search(r"kapital", sentence, re.I)):
            continue
        year = year_of(text, m.start(), fiscal_year)
        amount = _amount(m, "n", "unit", None)
        if year is None or amount is None:
            continue
        yield _row("equity_guideline_cap", year, *amount, m, m.group(0)), m.start("n")
    for m in BOARD_CAP.finditer(text):
        year = year_of(text, m.start(), fiscal_year)
        amount = _amount(m, "n", "unit", None)
        if year is not None and amount is not None:
            yield _row("equity_cap_board", year, *amount, None, m.group(0), basis="budget"), m.start("n")


def _shares(text: str, fiscal_year: int | None):
    patterns = (
        (GUIDELINE_SHARE, "equity_guideline_share"),
        (SHARE_OF_CONTRIBUTIONS, "equity_share_of_contributions"),
        (INDIVIDUAL_SHARE, "individual_interventions_share"),
        (COMPETENCE_SHARE, "competence_development_share"),
    )
    for pattern, item in patterns:
        for m in pattern.finditer(text):
            year = year_of(text, m.start(), fiscal_year)
            printed = m.group("n")
            if year is None:
                continue
            value = float(printed.replace(",", "."))
            yield _row(item, year, value, len(printed.partition(",")[2]), "pct", m, m.group(0)), m.start("n")


def _board(text: str, fiscal_year: int | None):
    for m in BOARD.finditer(text):
        year = year_of(text, m.start(), fiscal_year)
        if year is None:
            continue
        if m.group("a"):
            yield _row("board_members", year - 1, int(m.group("a")), 0, "count", None, m.group(0)), m.start("a")
        yield _row("board_members", year, int(m.group("b")), 0, "count", None, m.group(0)), m.start("b")
