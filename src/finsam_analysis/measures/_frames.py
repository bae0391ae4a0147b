"""Small helpers shared by the measures: column checks, one-row-per-key guard, safe division."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

# When the same financial item is printed in several statements of one document, measures use
# the most detailed one: the statements in kronor first, the multi-year overview (often tkr) last.
STATEMENT_PREFERENCE: tuple[str, ...] = (
    "income_statement",
    "balance_sheet",
    "cash_flow",
    "note",
    "operating_statement",
    "budget",
    "overview",
    "text",
)


class MeasureError(ValueError):
    """A measure cannot be computed from the frame it was given (the message says why)."""


def require_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise MeasureError(f"{what}: missing column(s) {missing}; the frame has {list(df.columns)}")


def one_per_key(df: pd.DataFrame, keys: Sequence[str], value: str, what: str) -> pd.DataFrame:
    """Drop rows repeating a key with the same figure; refuse keys whose figures differ.

    The same figure printed in two sections is curated twice (a "repeated figure"); that is
    harmless here. Two DIFFERENT figures for one key mean the caller has not chosen between
    documents or statements: deduplicate first with finsam_analysis.precedence.preferred().
    """
    keys = list(keys)
    dup = df.duplicated(keys, keep=False)
    if not dup.any():
        return df
    clash = df.loc[dup].groupby(keys, dropna=False)[value].nunique(dropna=False)
    clash = clash[clash > 1]
    if len(clash):
        example = dict(zip(keys, clash.index[0] if len(keys) > 1 else [clash.index[0]]))
        raise MeasureError(
            f"{what}: {len(clash)} key(s) carry different figures, e.g. {example}; "
            "choose one row per key first (finsam_analysis.precedence.preferred, or filter by "
            "document/statement/section)"
        )
    return df.drop_duplicates(keys)


def ratio(numerator: pd.Series, denominator: pd.Series, scale: float = 1.0) -> pd.Series:
    """numerator / denominator * scale, NaN where the denominator is 0 or missing."""
    den = denominator.astype("float64").where(denominator != 0)
    return numerator.astype("float64") / den * scale


def pick_statement(df: pd.DataFrame, keys: Sequence[str], preference: Sequence[str] = STATEMENT_PREFERENCE) -> pd.DataFrame:
    """Keep, per key, the rows of the most preferred statement present (see STATEMENT_PREFERENCE)."""
    if df.empty:
        return df
    rank = {s: i for i, s in enumerate(preference)}
    ranked = df.assign(_rank=df["statement"].map(rank).fillna(len(rank)))
    best = ranked.groupby(list(keys), dropna=False)["_rank"].transform("min")
    return ranked.loc[ranked["_rank"] == best].drop(columns="_rank")


def as_int_year(df: pd.DataFrame, column: str = "year") -> pd.DataFrame:
    if column in df.columns and len(df):
        return df.assign(**{column: df[column].astype("int64")})
    return df


def empty_frame(columns: dict[str, str]) -> pd.DataFrame:
    """An empty frame with the given column dtypes (so an empty input gives a typed empty output)."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})


def round_half_up(x: pd.Series | float) -> pd.Series | float:
    """Round to whole numbers with halves away from zero (as documents round), not to even."""
    return np.sign(x) * np.floor(np.abs(x) + 0.5)
