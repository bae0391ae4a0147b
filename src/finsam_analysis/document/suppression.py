"""Small-cell suppression of counts and shares (röjandekontroll).

Suppression (röjandekontroll): a count below the threshold (default 5) is never shown, nor is
any share or complementary figure from which it could be worked out. The mask travels with
the data: `suppress_small_counts` adds a boolean `suppressed` column, a `suppression_reason`
and `<column>_display` strings ("<5", "–") for every masked column; `masked()` gives the
numbers with NaN in suppressed cells for plots. Tables show the display columns, plots the
masked numbers; the raw numbers stay for totals that are themselves safe.

"""
from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from finsam_analysis.document import fmt
from finsam_analysis.data import paths

DEFAULT_THRESHOLD = 5
DEFAULT_KEYS = ("forbund", "document", "year", "intervention", "group", "measure", "outcome", "base", "basis")
MASKABLE = ("count", "share_pct", "rate_pct", "base_count")
TOTAL_LABELS = {"gender": "total", "group": "*", "intervention": "*"}  # the total row of each part column

SMALL = "count below threshold"
SMALL_TOTAL = "total below threshold"
SMALL_BASE = "base below threshold"
COMPLEMENTARY = "complementary (would reveal a small count)"


def _primary_reason(count: float, threshold: int) -> str | None:
    return SMALL if pd.notna(count) and 0 < count < threshold else None


def _complement(parts: pd.DataFrame, reasons: dict, count: str, threshold: int) -> None:
    """Suppress further parts until no suppressed part can be worked out from the others.

    A single suppressed part is revealed by total − shown parts; several suppressed parts
    whose sum is below the threshold reveal a small group. Both are closed by suppressing
    the smallest shown part, repeatedly.
    """
    def hidden():
        return [i for i in parts.index if reasons.get(i)]

    while hidden():
        ids = hidden()
        total_hidden = parts.loc[ids, count].sum()
        if len(ids) >= 2 and total_hidden >= threshold:
            return
        shown = parts.loc[[i for i in parts.index if not reasons.get(i)], count].dropna()
        shown = shown[shown > 0]  # hiding a zero protects nothing
        if shown.empty:
            return
        reasons[shown.sort_values(kind="stable").index[0]] = COMPLEMENTARY


def suppress_small_counts(
    df: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    count: str = "count",
    part: str | Sequence[str] | None = "gender",
    total: str | dict[str, str] | None = None,
    keys: Sequence[str] | None = None,
    base: str | None = None,
) -> pd.DataFrame:
    """Mask small counts and every share that would reveal them (röjandeskydd).

    sv: ett antal 1–(threshold−1) visas inte ("<5"); inte heller andelar av det, och inte
        heller en annan del om den skulle låta läsaren räkna ut det (sekundär maskering, "–").
        Är totalen liten maskeras hela gruppen. Noll visas.
    en: a count from 1 to threshold−1 is masked ("<5"), with its shares; so is any other
        part of the same total that would let a reader work it out (secondary suppression,
        "–"). A small total masks its whole group. Zero is shown.

    `df` is tidy with a count column (e.g. measures.gender_split() or outcome_rates()).
    `part` names the column(s) whose values add up to a total row: "gender" (total row
    'total'), or several, e.g. ("gender", "group") for a kommun-by-gender table whose
    kommun rows add up to group '*'; the rules are applied along every such dimension until
    nothing changes. `total` overrides the total labels (TOTAL_LABELS). part=None skips the
    group rules. Groups are the other `keys` (default: the DEFAULT_KEYS columns present).
    `base` names a column holding the count a share is taken of (e.g. base_count): a small
    base masks the row. Adds suppressed (bool), suppression_reason, and `<col>_display` for
    the count and every share column present (share_pct, rate_pct, base_count).
    """
    if count not in df.columns:
        raise ValueError(f"suppress_small_counts: no column {count!r}; columns are {list(df.columns)}")
    if threshold < 1:
        raise ValueError("suppress_small_counts: threshold must be at least 1")
    parts = [] if part is None else [p for p in ([part] if isinstance(part, str) else part) if p in df.columns]
    labels = {p: total if isinstance(total, str) else {**TOTAL_LABELS, **(total or {})}.get(p, "total") for p in parts}
    base_keys = [k for k in (keys if keys is not None else DEFAULT_KEYS) if k in df.columns and k not in parts]
    out = df.reset_index(drop=True)
    reasons: dict[int, str] = {}
    for i, c in out[count].items():
        if (r := _primary_reason(c, threshold)) is not None:
            reasons[i] = r
    if base is not None and base in out.columns:
        for i, b in out[base].items():
            if pd.notna(b) and 0 < b < threshold:
                reasons[i] = SMALL_BASE
    before = None
    while before != reasons:
        before = dict(reasons)
        for dim in parts:
            group_keys = base_keys + [p for p in parts if p != dim]
            groups = out.groupby(group_keys, dropna=False).groups if group_keys else {(): out.index}
            for index in groups.values():
                _suppress_group(out.loc[index], dim, labels[dim], reasons, count, threshold)
    out["suppressed"] = [bool(reasons.get(i)) for i in out.index]
    out["suppression_reason"] = pd.Series([reasons.get(i) for i in out.index], index=out.index, dtype="str")
    small = out["suppression_reason"].isin([SMALL, SMALL_TOTAL, SMALL_BASE])
    shown_count = out[count].map(lambda v: fmt.number(v))
    out[f"{count}_display"] = np.where(small, f"<{threshold}", np.where(out["suppressed"], "–", shown_count))
    for column in MASKABLE:
        if column in out.columns and column != count:
            formatter = fmt.number if column == "base_count" else fmt.percent
            text = out[column].map(lambda v: formatter(v))
            out[f"{column}_display"] = np.where(out["suppressed"], "–", text)
    return out


def _suppress_group(group: pd.DataFrame, dim: str, total: str, reasons: dict, count: str, threshold: int) -> None:
    """Apply the small-total and the complementary rule to one group of parts and its total."""
    totals = group.loc[group[dim] == total]
    parts = group.loc[group[dim] != total]
    if any(reasons.get(i) == SMALL for i in totals.index):
        for i in group.index:
            reasons[i] = reasons.get(i) or SMALL_TOTAL
        return
    _complement(parts, reasons, count, threshold)


def masked(df: pd.DataFrame, columns: Iterable[str] = MASKABLE) -> pd.DataFrame:
    """The numbers with NaN in suppressed rows, for plots and numeric tables."""
    if "suppressed" not in df.columns:
        raise ValueError("masked: run suppress_small_counts() first (no 'suppressed' column)")
    hide = df["suppressed"].to_numpy(dtype=bool)
    changes = {c: df[c].astype("float64").mask(hide) for c in columns if c in df.columns}
    return df.assign(**changes)
