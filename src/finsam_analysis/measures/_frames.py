"""Small helpers shared by the measures: column checks, one-row-per-key guard, safe division."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from finsam_analysis.data.vocabulary import load_vocabulary

# When the same financial item is printed in several statements of one document, measures use
# the most detailed one: the vocabulary lists the statements in that order (kronor first, the
# multi-year overview, often in tkr, last).
STATEMENT_PREFERENCE: tuple[str, ...] = load_vocabulary().words("statements")


class MeasureError(ValueError):
    """A measure cannot be computed from the frame it was given (the message says why)."""


def require_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise MeasureError(f"{what}: missing column(s) {missing}; the frame has {list(df.columns)}")


# Money units from fine to coarse: the same figure printed as 18 022 000 kr and "18 mkr" is one
# figure at two roundings, and the finer one is kept.
UNIT_FINENESS = {"kr": 0, "tkr": 1, "mkr": 2}


# Below this many rows, the per-key minimum is taken in plain Python: pandas' groupby costs
# about a millisecond whatever the size, and a report's frames hold a few dozen rows.
SMALL_FRAME = 2000


def _is_best(df: pd.DataFrame, keys: Sequence[str], rank: np.ndarray) -> np.ndarray:
    """Whether each row's rank is the lowest of its key's rows (missing keys form one group,
    as groupby(dropna=False) has them)."""
    if len(df) > SMALL_FRAME:
        best = pd.Series(rank, index=df.index).groupby([df[k] for k in keys], dropna=False).transform("min")
        return rank == best.to_numpy()
    columns = []
    for key in keys:
        values = df[key].to_numpy(dtype=object)
        columns.append(np.where(pd.isna(values), None, values))
    rows = list(zip(*columns))
    lowest: dict = {}
    for row, r in zip(rows, rank):
        if row not in lowest or r < lowest[row]:
            lowest[row] = r
    return np.fromiter((r == lowest[row] for row, r in zip(rows, rank)), dtype=bool, count=len(rows))


def finest_unit(df: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Per key, keep only the rows in the finest money unit present (kr before tkr before mkr)."""
    if "unit" not in df.columns or df.empty:
        return df
    rank = df["unit"].map(UNIT_FINENESS).fillna(0).to_numpy()
    if (rank == rank[0]).all():  # one unit throughout (the usual case): every row is finest
        return df.copy(deep=False)
    return df.loc[_is_best(df, list(keys), rank)]


def one_per_key(df: pd.DataFrame, keys: Sequence[str], value: str, what: str) -> pd.DataFrame:
    """Drop rows repeating a key with the same figure; refuse keys whose figures differ.

    The same figure printed in two sections is curated twice (a "repeated figure"); that is
    harmless here, and where it is printed at two roundings (kr and tkr) the finer is kept.
    Two DIFFERENT figures for one key mean the caller has not chosen between documents,
    statements or sections: deduplicate first with finsam_analysis.data.precedence.preferred(),
    or filter by section.
    """
    keys = list(keys)
    df = finest_unit(df, keys)
    dup = df.duplicated(keys, keep=False)
    if not dup.any():
        return df
    clash = df.loc[dup].groupby(keys, dropna=False)[value].nunique(dropna=False)
    clash = clash[clash > 1]
    if len(clash):
        values = clash.index[0] if len(keys) > 1 else [clash.index[0]]
        example = {k: v.item() if hasattr(v, "item") else v for k, v in zip(keys, values)}
        raise MeasureError(
            f"{what}: {len(clash)} key(s) carry different figures, e.g. {example}; "
            "choose one row per key first (finsam_analysis.data.precedence.preferred, or filter by "
            "document/statement/section)"
        )
    return df.drop_duplicates(keys)


def ratio(numerator: pd.Series, denominator: pd.Series, scale: float = 1.0) -> pd.Series:
    """numerator / denominator * scale, NaN where the denominator is 0 or missing."""
    den = denominator.astype("float64").where(denominator != 0)
    return numerator.astype("float64") / den * scale


def pick_statement(
    df: pd.DataFrame, keys: Sequence[str], preference: Sequence[str] = STATEMENT_PREFERENCE
) -> pd.DataFrame:
    """Keep, per key, the rows of the most preferred statement present (see STATEMENT_PREFERENCE)."""
    if df.empty:
        return df
    rank = {s: i for i, s in enumerate(preference)}
    statements = df["statement"].to_numpy()
    if (statements == statements[0]).all():  # one statement throughout: nothing to choose
        return df.copy(deep=False)
    ranks = df["statement"].map(rank).fillna(len(rank)).to_numpy()
    return df.loc[_is_best(df, list(keys), ranks)]


def round_half_up(x: pd.Series | float) -> pd.Series | float:
    """Round to whole numbers with halves away from zero (as documents round), not to even."""
    return np.sign(x) * np.floor(np.abs(x) + 0.5)
