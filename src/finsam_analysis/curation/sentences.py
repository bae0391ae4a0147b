"""Running text as paragraphs and sentences: the year a figure refers to, approximation words.

Shared by the prose readers (participants, outcomes, money, key figures). A paragraph is a run
of non-empty lines without tabs (tab lines are table rows), joined with single spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from finsam_analysis.curation.numbers import parse_figure
from finsam_analysis.curation.text import Line

N = r"(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)"
APPROX_WORDS = r"ca\.?|cirka|drygt|knappt|nästan|omkring|runt|över|under|uppemot|ungefär"
APPROX = rf"(?P<approx>{APPROX_WORDS})?\s*"
APPROX_DOMAIN = ("ca", "cirka", "drygt", "knappt")  # the vocabulary's `approx` words a figure can carry
BULLET = re.compile(r"^\s*(?:[-•*–]|\d{1,2}\))\s+\S")
YEAR = re.compile(r"\b(20\d{2}|19\d{2})\b")
SENTENCE_END = re.compile(r"(?<!\bca)(?<!\bbl\.a)[.!?]\)?\s+(?=[A-ZÅÄÖ(\d])")
COUNT = rf"(?P<n>{N})"


def number_after(phrase: str, figure: str = COUNT, tail: str = "", *, approx: bool = False) -> re.Pattern[str]:
    """The one shape of the sentence readers' patterns: a figure printed after a phrase.

    `phrase` (may be empty), then an approximation word when `approx` (group `approx`), the
    figure (a pattern with named groups; default a count in group `n`), then `tail`; case-insensitive.
    "målet ... minst 150 deltagare", "eget kapital ... 21,2 procent av årets medlemsbidrag"."""
    return re.compile(f"{phrase}{APPROX if approx else ''}{figure}{tail}", re.I)


@dataclass
class Found:
    """One figure read from a paragraph: the row (without section/page) and how it was read."""

    table: str
    row: dict
    printed: str
    confidence: float
    start: int = -1  # offset of the figure in the paragraph (which insats the clause names)
    clause: str = ""  # the words that say what the figure is about, where a phrasing knows them


def paragraphs(lines: list[Line]) -> list[tuple[Line, str]]:
    """Runs of non-empty lines joined with spaces (the first line carries number and page); each
    list item ("- ", "• ") starts a paragraph of its own."""
    out, current, first = [], [], None
    for line in lines + [Line(0, None, "")]:
        if current and BULLET.match(line.text):  # a list item is a paragraph of its own
            out.append((first, re.sub(r"\s+", " ", " ".join(current)).replace("**", "")))
            current, first = [], None
        if line.text.strip() and "\t" not in line.text:
            if first is None:
                first = line
            current.append(line.text.strip())
        elif current:
            out.append((first, re.sub(r"\s+", " ", " ".join(current)).replace("**", "")))
            current, first = [], None
    return out


def sentence_start(text: str, start: int) -> int:
    return max([m.end() for m in SENTENCE_END.finditer(text) if m.end() <= start] + [0])


def year_of(text: str, start: int, fiscal_year: int | None) -> int | None:
    """The year a figure refers to: a year printed just before it in the sentence, else the fiscal year."""
    first = max(sentence_start(text, start), text.rfind("(", 0, start) + 1)
    before = text[first:start]
    if re.search(r"föregående\s+år|förra\s+året|året\s+innan", before, re.I) and fiscal_year:
        return fiscal_year - 1
    years = YEAR.findall(before)
    if years:
        return int(years[-1])
    return fiscal_year


def sentence_of(text: str, start: int, end: int) -> str:
    last = SENTENCE_END.search(text, end)
    return text[sentence_start(text, start) : last.start() if last else len(text)]


def approx_note(match: re.Match) -> str:
    word = match.groupdict().get("approx")
    return f"approximate: printed '{word}'" if word else ""


def approx_word(match: re.Match) -> str:
    """The `approx` column: the printed word when the vocabulary knows it (ca., Cirka -> ca, cirka)."""
    word = (match.groupdict().get("approx") or "").lower().rstrip(".")
    return word if word in APPROX_DOMAIN else ""


def number(text: str) -> float | None:
    return parse_figure(text.replace("\u00a0", " "))
