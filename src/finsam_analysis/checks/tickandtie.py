"""Tick and tie: every curated figure must occur in its document's text, Swedish-formatted.

A curated value 246185.14 must be findable as "246 185,14" (or "246185,14"); 18022 tkr as
"18 022"; -805 as "-805", "- 805" or "805" when the document prints costs without a sign.
Rows whose `note` says "derived" are computed by the curator and exempt. A row with a
`printed` form (a figure printed in a non-Swedish form, "7.2 m.kr", or without its sign) is
tied by that form instead: it must occur in the text as typed and state the typed value.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from finsam_analysis.data.approx import printed_matches

SPACES = re.compile(r"[\u00a0\u2009\u202f\t ]+")
DIGIT_RUN = re.compile(r"[0-9]+")
BEFORE = r"(?<![^\W_])(?<!,)"  # not after a letter, digit or comma
AFTER = r"(?![0-9])(?!,[0-9])(?!(?!t?kr|mkr|st\b)[^\W\d_])"  # not before a digit, decimals or a letter (a unit "88800kr" may follow)


@lru_cache(maxsize=16)
def document_text(path: Path) -> str:
    """The source text with every kind of space collapsed to one ordinary space."""
    return SPACES.sub(" ", path.read_text(encoding="utf-8"))


@lru_cache(maxsize=65536)
def figure_pattern(value: float, typed_decimals: int) -> re.Pattern:
    """A regex matching the figure as a document could print it (sign optional)."""
    magnitude = abs(value)
    integer, _, fraction = f"{magnitude:.{typed_decimals}f}".partition(".")
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    body = r"[ .]?".join(groups)  # "18 022", "18022" or "18.022"
    if fraction:
        stripped = fraction.rstrip("0")
        # "5,50" may be printed "5,5"; "100000.00" may be printed "100 000" or "100 000,00"
        body += rf"(?:,{fraction}|,{stripped})" if stripped else rf"(?:,{fraction})?"
    # a whole printed number: not part of a word ("inf" in "informerat", "12" in "Q12a"), of a
    # longer number ("8" in "28") or of a decimal ("5" in "5,5"). Thousands groups cannot be
    # told from adjacent table columns ("175 312 5 222 000") in extracted text, so a group
    # boundary is not required.
    return re.compile(rf"{BEFORE}{body}{AFTER}")


@lru_cache(maxsize=16)
def _digit_runs(text: str) -> dict[str, list[int]]:
    """Start positions of the maximal digit runs of a text, by their first 1, 2 and 3 digits."""
    index: dict[str, list[int]] = {}
    for match in DIGIT_RUN.finditer(text):
        run = match.group()
        for n in range(1, min(3, len(run)) + 1):
            index.setdefault(run[:n], []).append(match.start())
    return index


def printed_in(value: float, typed_decimals: int, text: str) -> bool:
    """True if the figure occurs in text as figure_pattern describes it.

    Same answer as figure_pattern(...).search(text), found fast: a match cannot follow a
    digit, so it starts where a maximal run of digits starts, and that run begins with the
    figure's leading digits. The pattern is only tried there (an index built once per text),
    instead of a regex scan of the whole text per figure.
    """
    pattern = figure_pattern(value, typed_decimals)
    integer = f"{abs(value):.{typed_decimals}f}".partition(".")[0]
    lead = integer[: len(integer) % 3 or 3]
    return any(pattern.match(text, position) for position in _digit_runs(text).get(lead, ()))


def untied_rows(frame: pd.DataFrame, text: str, value_column: str = "value") -> pd.DataFrame:
    """Rows of one table whose figure does not occur in the text (derived rows excluded)."""
    notes = frame["note"].fillna("").astype(str) if "note" in frame else pd.Series("", index=frame.index)
    derived = notes.str.contains("derived", case=False)
    rows = frame.loc[~derived]
    values = rows[value_column].to_numpy()
    if "_decimals" in rows and value_column == "value":
        decimals = rows["_decimals"].to_numpy()
    else:
        decimals = [0] * len(rows)
    # a figure with a `printed` form is tied by that form: it occurs as typed and states the value
    forms = rows["printed"].to_numpy() if "printed" in rows and value_column == "value" else [None] * len(rows)
    missing = [
        index
        for index, value, places, form in zip(rows.index, values, decimals, forms)
        if not pd.isna(value)
        and not (
            (SPACES.sub(" ", form.strip()) in text and printed_matches(form, float(value)))
            if isinstance(form, str) and form.strip()
            else printed_in(float(value), int(places), text)
        )
    ]
    return frame.loc[missing]


def untied_in_document(doc) -> list[str]:
    """Every curated figure of one loaded document that its source.txt does not print,
    as `<table>.csv:<line>: <value> (<section>)` lines (empty = all tied)."""
    text = document_text(doc.folder / "source.txt")
    untied = []
    for name, frame in doc.tables.items():
        if "value" not in frame:
            continue
        for _, row in untied_rows(frame, text).iterrows():
            untied.append(f"{name}.csv:{row['_line']}: {row['value']} ({row.get('section')})")
        if "share_pct" in frame:
            for _, row in untied_rows(frame.dropna(subset=["share_pct"]), text, "share_pct").iterrows():
                untied.append(f"{name}.csv:{row['_line']}: share_pct {row['share_pct']}")
    return untied


def untied_figures(forbunds) -> list[str]:
    """untied_in_document over every document, each line prefixed with its folder."""
    return [
        f"{forbund.slug}/{doc.document_id}/{line}"
        for forbund in forbunds
        for doc in forbund.documents
        for line in untied_in_document(doc)
    ]
