"""Outcome figures beyond "40 procent till arbete eller studier" (prose.py):

- step progress: "66 procent har gjort en positiv stegförflyttning", "66 % avslutats med en
  positiv stegförflyttning" (pct of the exited), "66 av de 100 avslutade deltagarna har gjort
  stegförflyttning" (a count, base exited);
- a verb further on: "45 personer noterats gå vidare till Gemensam kartläggning", "60 personer
  av registrerade i progressionsmätningar gick vidare till fortsatt rehabilitering";
- a list of exit reasons under a line about exits ("Avslutsanledningar ... 2025:"), one
  "Label: N%" per line (base exited).
"""

from __future__ import annotations

import re

from finsam_analysis.curation.sentences import Found, N, approx_note, approx_word, number, number_after, year_of
from finsam_analysis.curation.text import Line

TARGETS = (
    (
        "work_or_studies",
        r"arbete\s+eller\s+studier|studier\s+eller\s+arbete|arbete\s+och\s+studier|arbete\s*/\s*studier",
    ),
    ("continued_rehab", r"fortsatt\s+(?:arbetslivsinriktad\s+)?rehab\w*"),
    ("gemensam_kartlaggning", r"gemensam\s+kartläggning"),
    ("job_seeking", r"arbetssökande"),
    ("health", r"hälso\w*|sjuk\w*"),
    ("other", r"övrigt|annat|andra\s+orsaker"),
    ("work", r"arbete|anställning|jobb"),
    ("studies", r"studier|utbildning"),
)
TARGET = "|".join(p for code, p in TARGETS if code not in ("health", "other"))
STEP_PCT = number_after(
    "",
    r"(?P<n>\d{1,3}(?:,\d+)?)",
    r"\s*(?:%|procent)\s+(?:har\s+)?(?:gjort\s+(?:en\s+)?(?:positiv\s+)?"
    r"stegförflyttning|avslutats\s+med\s+(?:en\s+)?positiv\s+stegförflyttning)",
    approx=True,
)
STEP_COUNT = number_after(
    "",
    tail=rf"\s+av\s+(?:de\s+)?{N}\s+avslutade\s+deltagar\w*\s+(?:har\s+)?(?:gjort\s+)?(?:en\s+)?(?:positiv\s+)?"
    r"stegförflyttning",
)
ONWARD = number_after(
    "",
    tail=r"\s*(?P<pct>%|procent)?\s+(?:personer|deltagare)\s+(?:[\wåäö]+\s+){1,5}?"
    rf"(?:gå|gick|gått|går)\s+vidare\s+till\s+(?P<target>{TARGET})\b",
    approx=True,
)
LIST_LINE = re.compile(r"^\s*(?P<label>[A-Za-zÅÄÖåäö][^:\d]{2,60}):\s*(?P<n>\d{1,3}(?:,\d+)?)\s*%\s*$")
LIST_LEAD = re.compile(r"avslut", re.I)


def outcome_of(label: str) -> str | None:
    text = label.strip().lower()
    return next((code for code, p in TARGETS if re.match(rf"(?:{p})", text, re.I)), None)


def _row(year, outcome, value, unit, base, printed, start, match=None) -> Found:
    row = {
        "year": year,
        "intervention": "*",
        "outcome": outcome,
        "gender": "total",
        "value": value,
        "unit": unit,
        "base": base,
        "note": approx_note(match) if match is not None else "",
        "approx": approx_word(match) if match is not None else "",
    }
    return Found("outcomes", row, printed, 0.4 if row["note"] else 0.6, start)


def outcome_rows(text: str, fiscal_year: int | None, taken: set[int]) -> list[Found]:
    out = []
    for pattern, unit in ((STEP_PCT, "pct"), (STEP_COUNT, "count")):
        for m in pattern.finditer(text):
            year = year_of(text, m.start(), fiscal_year)
            if year is not None and m.start("n") not in taken:
                taken.add(m.start("n"))
                value = m.group("n").replace(",", ".")
                out.append(_row(year, "step_progress", value, unit, "exited", m.group(0), m.start("n"), m))
    for m in ONWARD.finditer(text):
        year = year_of(text, m.start(), fiscal_year)
        if year is None or m.start("n") in taken:
            continue
        taken.add(m.start("n"))
        unit = "pct" if m.group("pct") else "count"
        value = str(int(number(m.group("n")))) if unit == "count" else m.group("n")
        base = "exited" if unit == "pct" else ""
        out.append(_row(year, outcome_of(m.group("target")), value, unit, base, m.group(0), m.start("n"), m))
    return out


def outcome_lists(lines: list[Line], fiscal_year: int | None) -> list[tuple[Line, Found]]:
    """ "Arbete/studier: 13%" lines (one reason each) within a few lines after a line about exits."""
    out, lead, year = [], -99, fiscal_year
    for i, line in enumerate(lines):
        m = LIST_LINE.match(line.text)
        if m and i - lead <= 12:
            outcome = outcome_of(m.group("label"))
            if outcome and year is not None:
                value = m.group("n").replace(",", ".")
                out.append((line, _row(year, outcome, value, "pct", "exited", line.text.strip(), 0)))
                lead = i
            continue
        if LIST_LEAD.search(line.text) and not m:
            lead, year = i, year_of(line.text, len(line.text), fiscal_year)
    return out
