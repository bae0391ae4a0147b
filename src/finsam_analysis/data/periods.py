"""Periods: which part of a year a figure covers (helår, or a month range such as jan-aug).

A document may cover part of a year (a delårsrapport, "första halvåret"). Its figures carry a
`period` (the row's `period` column, else the document's `period:` in source.yaml, else
`helar`). Part-year figures are kept in the processed tables and shown in their own section;
they never enter full-year measures, precedence or report targets: `full_year` filters them out.
"""

from __future__ import annotations

import dataclasses
import re

import pandas as pd

from finsam_analysis.data.vocabulary import load_vocabulary

FULL_YEAR = "helar"
PERIOD_COLUMN = "period"
_RANGE = re.compile(r"^(?P<start>[a-z]{3})-(?P<end>[a-z]{3})$")


def months() -> tuple[str, ...]:
    return load_vocabulary().words("months")


def parse_period(text: object) -> tuple[int, int] | None:
    """(first month, last month), 1-12, of a period word; None if it is not one.

    'helar' -> (1, 12); 'jan-aug' -> (1, 8). A range must run forwards within one year.
    """
    if text == FULL_YEAR:
        return 1, 12
    match = _RANGE.match(str(text))
    if not match:
        return None
    names = months()
    if match["start"] not in names or match["end"] not in names:
        return None
    start, end = names.index(match["start"]) + 1, names.index(match["end"]) + 1
    if end < start:
        return None
    return start, end


def is_period(text: object) -> bool:
    return parse_period(text) is not None


def period_problem(text: object) -> str:
    """What is wrong with a period word, for curators."""
    return (
        f"{text!r} is not a period: expected {FULL_YEAR} (the whole year) or a month range "
        f"<from>-<to> of {', '.join(months())} running forwards, e.g. jan-jun or jan-aug"
    )


def canonical(text: str) -> str:
    """'jan-dec' is the whole year: written `helar`, so it is never mistaken for part of one."""
    return FULL_YEAR if parse_period(text) == (1, 12) else text


def label(text: str) -> str:
    """Swedish label: 'helår', 'januari–augusti'."""
    vocab = load_vocabulary()
    if text == FULL_YEAR:
        return vocab.label("periods", FULL_YEAR)
    parsed = parse_period(text)
    if parsed is None:
        return str(text)
    names = months()
    start, end = (vocab.label("months", names[m - 1]) for m in parsed)
    return start if parsed[0] == parsed[1] else f"{start}–{end}"


def is_full_year(df: pd.DataFrame) -> pd.Series:
    """True for rows covering the whole year (every row of a frame without a period column)."""
    if PERIOD_COLUMN not in df.columns:
        return pd.Series(True, index=df.index)
    return df[PERIOD_COLUMN].fillna(FULL_YEAR).astype(str) == FULL_YEAR


def full_year(df: pd.DataFrame) -> pd.DataFrame:
    """Only the full-year rows of a table."""
    return df.loc[is_full_year(df)]


def part_year(df: pd.DataFrame) -> pd.DataFrame:
    """Only the part-year rows of a table."""
    return df.loc[~is_full_year(df)]


def split_tables(tables):
    """(full-year Tables, part-year Tables) of a finsam_analysis.data.build.Tables (any dataclass
    of frames: this module stays below build, which imports it through the loader)."""
    full, part = {}, {}
    for spec in dataclasses.fields(tables):
        frame = getattr(tables, spec.name)
        if not isinstance(frame, pd.DataFrame):
            continue
        if PERIOD_COLUMN in frame.columns:
            full[spec.name] = full_year(frame).reset_index(drop=True)
            part[spec.name] = part_year(frame).reset_index(drop=True)
        else:
            full[spec.name] = part[spec.name] = frame
    return dataclasses.replace(tables, **full), dataclasses.replace(tables, **part)
