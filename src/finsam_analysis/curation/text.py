"""source.txt as lines with page numbers, and the headings that give each line its section.

Pages: a form feed (as pdftotext and `finsam ingest` write) or a marker line
"--- sida N ---" starts a new page. The seed texts have neither: their page is unknown (None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PAGE_MARKER = re.compile(r"^\s*-{2,}\s*sida\s+(\d+)\s*-{2,}\s*$", re.IGNORECASE)
TAGS = re.compile(r"</?[a-zA-Z][^>]*>")
STATEMENT_WORDS = (
    (
        "overview",
        re.compile(
            r"översikt över verksamhetens utveckling|flerårsöversikt|verksamheten i sammandrag"
            r"|fem år i sammandrag|ekonomisk översikt",
            re.I,
        ),
    ),
    ("income_statement", re.compile(r"resultaträkning", re.I)),
    ("balance_sheet", re.compile(r"balansräkning", re.I)),
    ("cash_flow", re.compile(r"kassaflödesanalys|finansieringsanalys", re.I)),
    ("operating_statement", re.compile(r"driftsredovisning|driftredovisning", re.I)),
    ("budget", re.compile(r"^budget\b|\bbudget\s+\d{4}|sammanställning budget|budget och prognos", re.I)),
)
NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})*\.?)\s+(?P<title>[A-Za-zÅÄÖåäöÉé].*)$")
NOTE = re.compile(
    r"^(?:bilaga\s+)?not\s*(?P<num>\d{1,2})\b\s*(?:[.:\-–]\s*)?(?P<title>[A-Za-zÅÄÖåäö].*)?$", re.IGNORECASE
)
TOC_TAIL = re.compile(r"(?:\.{3,}|…+)\s*\d*\s*$|\t\s*\d{1,3}\s*$")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in source.txt
    page: int | None
    text: str  # without HTML-like tags, trailing spaces stripped


def lines_of(text: str) -> list[Line]:
    """Every line with its page (None when the text marks no pages)."""
    marked = "\f" in text or any(PAGE_MARKER.match(row) for row in text.splitlines())
    page = 1 if marked else None
    out = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if "\f" in raw:
            page = (page or 1) + raw.count("\f")
            raw = raw.replace("\f", "")
        marker = PAGE_MARKER.match(raw)
        if marker:
            page = int(marker.group(1))
            continue
        out.append(Line(number, page, TAGS.sub("", raw).rstrip()))
    return out


def statement_of(title: str) -> str | None:
    for statement, pattern in STATEMENT_WORDS:
        if pattern.search(title):
            return statement
    return None


def tidy_heading(text: str) -> str:
    """A heading as a curator types it: spaces collapsed, all-caps titles in sentence case."""
    text = re.sub(r"\s+", " ", text).strip()
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        text = text.lower()
        first = next(i for i, c in enumerate(text) if c.isalpha())
        text = text[:first] + text[first].upper() + text[first + 1 :]
    return text


def is_toc(text: str) -> bool:
    return bool(TOC_TAIL.search(text))
