"""Small-cell suppression of counts and shares (röjandekontroll).

Suppression (röjandekontroll): a count below the threshold (default 5) is never shown, nor is
any share or complementary figure from which it could be worked out. The mask travels with
the data: `suppress_small_counts` adds a boolean `suppressed` column, a `suppression_reason`
and `<column>_display` strings ("<5", "–") for every masked column; `masked()` gives the
numbers with NaN in suppressed cells for plots. Tables show the display columns, plots the
masked numbers; the raw numbers stay for totals that are themselves safe.

One symbol for every masked cell, MASK ("×"), whatever the reason: a reader must not learn
which cells are small ("<5" would tell them) and which are masked only as a complement.
NOT_APPLICABLE ("–") and MISSING ("..") are distinct from it (the symbols of Statistics
Sweden's tables); `legend()` says so in one line under every table that uses them.

"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from finsam_analysis.document import fmt

DEFAULT_THRESHOLD = 5
MASK = "×"  # masked to protect individuals (small, or would reveal a small count)
NOT_APPLICABLE = "–"  # the figure does not apply (e.g. a share of a masked base)
MISSING = ".."  # the source gives no figure
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
    return _add_displays(out, count, threshold)


def _add_displays(out: pd.DataFrame, count: str, threshold: int) -> pd.DataFrame:
    """The `<column>_display` strings: MASK in every suppressed cell."""
    shown_count = out[count].map(lambda v: fmt.number(v, missing=MISSING))
    out[f"{count}_display"] = np.where(out["suppressed"], MASK, shown_count)
    for column in MASKABLE:
        if column in out.columns and column != count:
            formatter = fmt.number if column == "base_count" else fmt.percent
            text = out[column].map(lambda v, formatter=formatter: formatter(v, missing=MISSING))
            if column == "base_count":  # a base is masked only when it is small itself
                hide = out["suppression_reason"].isin([SMALL_BASE]) | (
                    out[column].between(0, threshold, inclusive="neither")
                )
                out[f"{column}_display"] = np.where(hide, MASK, text)
            else:
                out[f"{column}_display"] = np.where(out["suppressed"], MASK, text)
    return out


def symbols_in(df: pd.DataFrame) -> list[str]:
    """The symbols (×, –, ..) a display table shows, in legend order."""
    cells = set(df.astype(str).to_numpy().ravel())
    found = [MASK] if any(c.startswith(MASK) for c in cells) else []
    return found + [s for s in (NOT_APPLICABLE, MISSING) if s in cells]


def legend(threshold: int = DEFAULT_THRESHOLD, shown: Iterable[str] | None = None) -> str:
    """The one line under a table with masked cells: what ×, – and .. mean (only those `shown`,
    when given: a legend must not explain a symbol the table does not use)."""
    meaning = {
        MASK: f"{MASK} = dolt för att skydda enskilda (färre än {threshold} personer, eller en uppgift "
        "som skulle låta läsaren räkna ut ett sådant antal)",
        NOT_APPLICABLE: f"{NOT_APPLICABLE} = ej tillämpligt",
        MISSING: f"{MISSING} = uppgift saknas i källan",
    }
    symbols = list(meaning) if shown is None else [s for s in meaning if s in set(shown)]
    return "; ".join(meaning[s] for s in symbols) + "." if symbols else ""


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


# Outcomes that are the sum of other outcomes of the same base (a printed breakdown):
# "arbete eller studier" = arbete + studier. A masked part must not be recoverable from the
# total and the other part, nor a masked total from its parts.
OUTCOME_PARTS = {"work_or_studies": ("work", "studies")}
OUTCOME_KEYS = ("forbund", "year", "intervention", "gender", "base")


def suppress_outcomes(
    rates: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD, count: str = "count", base: str = "base_count"
) -> pd.DataFrame:
    """Suppression of an outcome table with complementary suppression across its breakdowns.

    sv: som suppress_small_counts, och dessutom: inom samma insats, kön och bas får inget
        maskerat antal kunna räknas fram ur andra uppgifter — varken ur en summa och dess delar
        (arbete eller studier − arbete = studier) eller ur basen, när utfallen tillsammans är
        hela basen (avslutade − alla andra utfall).
    en: small counts are masked; then, per (förbund, year, insats, gender, base), every linear
        relation the table shows (a composite outcome and its parts; the base when the
        outcomes add up to it) is closed by masking the smallest shown part, until no masked
        count can be worked out.
    """
    out = suppress_small_counts(rates, threshold, count=count, part=None, base=base if base in rates.columns else None)
    if out.empty:
        return out
    reasons = {i: r for i, r in out["suppression_reason"].items() if isinstance(r, str) and r}
    keys = [k for k in OUTCOME_KEYS if k in out.columns]
    before = None
    while before != reasons:
        before = dict(reasons)
        for _, group in out.groupby(keys, dropna=False, sort=False):
            by_outcome = {o: i for i, o in zip(group.index, group["outcome"])}
            # a composite outcome and its parts
            for total, components in OUTCOME_PARTS.items():
                ids = [by_outcome.get(total)] + [by_outcome.get(c) for c in components]
                if None in ids:
                    continue
                _close_relation(out, ids, reasons, count, threshold)
            # the outcomes as a partition of the base
            leaves = [
                i
                for o, i in by_outcome.items()
                if o not in OUTCOME_PARTS or not all(c in by_outcome for c in OUTCOME_PARTS[o])
            ]
            if base in group.columns and leaves:
                b = group[base].dropna()
                if len(b) and abs(out.loc[leaves, count].sum() - float(b.iloc[0])) <= max(1.0, 0.01 * float(b.iloc[0])):
                    _close_relation(out, [None] + leaves, reasons, count, threshold)
    out["suppressed"] = [bool(reasons.get(i)) for i in out.index]
    out["suppression_reason"] = pd.Series([reasons.get(i) for i in out.index], index=out.index, dtype="str")
    return _add_displays(out, count, threshold)


def _close_relation(out: pd.DataFrame, ids: list, reasons: dict, count: str, threshold: int) -> None:
    """ids[0] = ids[1] + ids[2] + ... (ids[0] None: a total that is shown elsewhere, e.g. the base).

    While one cell of the relation is masked alone, or the masked cells together are below the
    threshold, mask the smallest shown non-zero cell (a shown total counts as known)."""
    while True:
        cells = [i for i in ids if i is not None]
        hidden = [i for i in cells if reasons.get(i)]
        if not hidden:
            return
        parts_hidden = [i for i in hidden if i != ids[0]]
        small_group = len(hidden) >= 2 and 0 < out.loc[parts_hidden, count].sum() < threshold if parts_hidden else False
        if len(hidden) >= 2 and not small_group:
            return
        shown = out.loc[[i for i in cells if not reasons.get(i)], count].dropna()
        shown = shown[shown > 0]
        if shown.empty:
            return
        reasons[shown.sort_values(kind="stable").index[0]] = COMPLEMENTARY
