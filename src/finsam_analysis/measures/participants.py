"""Participants by gender (deltagare per kön): counts, shares, and counts derived from printed shares."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from finsam_analysis.data.numbers import printed_decimals
from finsam_analysis.measures._frames import one_per_key, ratio, require_columns, round_half_up

PARTICIPANT_KEY = ["forbund", "year", "intervention", "group", "measure"]
GENDER_ORDER = {"kvinna": 0, "man": 1, "annat": 2, "total": 3}


def count_range(pct: pd.Series, base: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The whole counts whose share of `base` rounds to the printed `pct` (as printed, any rounding)."""
    half = pd.Series([0.5 * 10 ** -printed_decimals(p) if pd.notna(p) else np.nan for p in pct], index=pct.index)
    low = np.ceil(((pct - half) / 100 * base).clip(lower=0) - 1e-9)
    high = np.floor((pct + half) / 100 * base + 1e-9)
    return low.clip(upper=base), high.clip(upper=base)


def _sort(df: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    order = df["gender"].map(GENDER_ORDER).fillna(len(GENDER_ORDER))
    return df.assign(_g=order).sort_values([*keys, "_g"]).drop(columns="_g").reset_index(drop=True)


def gender_counts(participants: pd.DataFrame, keys: Sequence[str] = PARTICIPANT_KEY) -> pd.DataFrame:
    """Participant counts per gender, printed or derived from printed shares (antal per kön).

    sv: där bara andelar är tryckta: antal = andel × basen (totalen för samma år, insats,
        grupp och mått), avrundat; count_min–count_max är de antal som ger samma tryckta
        andel efter avrundning (Ciceron: 67/22/11 % av 9 -> 6, 2, 1).
    en: where only shares are printed: count = share × base (the total of the same year,
        intervention, group and measure), rounded half up; count_min..count_max are the
        counts consistent with the printed (rounded) share.

    Columns: keys..., gender, count, source ('printed' | 'derived from pct' | 'pct without
    base'), printed_pct, base, count_min, count_max, rounding_ok (the count lies in the
    range), parts_sum_ok (the parts of the key add up to its base; NA without a base).
    """
    keys = list(keys)
    require_columns(participants, [*keys, "gender", "value", "unit"], "gender_counts")
    counts = participants.loc[participants["unit"] == "count", [*keys, "gender", "value"]]
    counts = one_per_key(counts, [*keys, "gender"], "value", "gender_counts (counts)")
    # a pct row for gender 'total' is not a gender share (e.g. Sjuhärad's 29 % from outside the
    # area, Sydnärke's referral shares by group): it has no count to derive here
    pcts = participants.loc[
        (participants["unit"] == "pct") & (participants["gender"] != "total"), [*keys, "gender", "value"]
    ]
    pcts = one_per_key(pcts, [*keys, "gender"], "value", "gender_counts (pct)")
    base = counts.loc[counts["gender"] == "total", [*keys, "value"]].rename(columns={"value": "base"})

    printed = counts.rename(columns={"value": "count"}).assign(source="printed")
    printed = printed.merge(pcts.rename(columns={"value": "printed_pct"}), on=[*keys, "gender"], how="left")

    only_pct = pcts.merge(counts[[*keys, "gender"]], on=[*keys, "gender"], how="left", indicator=True)
    only_pct = only_pct.loc[only_pct["_merge"] == "left_only"].drop(columns="_merge")
    derived = only_pct.rename(columns={"value": "printed_pct"}).merge(base, on=keys, how="left")
    derived["count"] = round_half_up(derived["printed_pct"] / 100 * derived["base"])
    derived["source"] = np.where(derived["base"].isna(), "pct without base", "derived from pct")
    derived = derived.drop(columns="base")

    out = pd.concat([printed, derived], ignore_index=True).merge(base, on=keys, how="left")
    out = out.astype({"count": "float64", "printed_pct": "float64", "base": "float64"})
    low, high = count_range(out["printed_pct"], out["base"])
    is_derived = out["source"] != "printed"
    out["count_min"] = low.where(is_derived, out["count"])
    out["count_max"] = high.where(is_derived, out["count"])
    has_check = out["printed_pct"].notna() & out["base"].notna()
    in_range = (low <= out["count"]) & (out["count"] <= high)
    out["rounding_ok"] = pd.array(np.where(has_check, in_range, pd.NA), dtype="boolean")
    parts = out.loc[out["gender"] != "total"].groupby(keys, dropna=False)["count"].sum(min_count=1)
    parts = parts.rename("_parts").reset_index()
    out = out.merge(parts, on=keys, how="left")
    ok = np.where(out["base"].notna() & out["_parts"].notna(), out["_parts"] == out["base"], pd.NA)
    out["parts_sum_ok"] = pd.array(ok, dtype="boolean")
    out = out.drop(columns="_parts")
    cols = [
        *keys,
        "gender",
        "count",
        "source",
        "printed_pct",
        "base",
        "count_min",
        "count_max",
        "rounding_ok",
        "parts_sum_ok",
    ]
    return _sort(out[cols], keys)


def gender_split(participants: pd.DataFrame, keys: Sequence[str] = PARTICIPANT_KEY) -> pd.DataFrame:
    """Counts and shares of women, men and other per key (könsfördelning).

    sv: andel = antal för könet / totalen × 100; totalen är den tryckta totalen eller, om
        den saknas, summan av delarna (total_source säger vilket).
    en: share = count for the gender / total × 100; the total is the printed total or,
        where none is printed, the sum of the parts (total_source says which).

    Every key gets a 'total' row. Use privacy.suppress_small_counts() before showing it.
    Columns: keys..., gender, count, share_pct, total, total_source, source, count_min,
    count_max, rounding_ok.
    """
    keys = list(keys)
    counts = gender_counts(participants, keys)
    parts = counts.loc[counts["gender"] != "total"]
    printed_total = counts.loc[counts["gender"] == "total"]
    sums = parts.groupby(keys, dropna=False, as_index=False)["count"].sum(min_count=1)
    missing_total = sums.merge(printed_total[keys], on=keys, how="left", indicator=True)
    missing_total = missing_total.loc[missing_total["_merge"] == "left_only"].drop(columns="_merge")
    synthetic = missing_total.assign(
        gender="total", source="sum of parts", count_min=missing_total["count"], count_max=missing_total["count"]
    )
    out = pd.concat([counts, synthetic], ignore_index=True)
    totals = out.loc[out["gender"] == "total", [*keys, "count", "source"]].rename(
        columns={"count": "total", "source": "total_source"}
    )
    totals["total_source"] = totals["total_source"].replace({"derived from pct": "printed"})
    out = out.merge(totals, on=keys, how="left")
    out["share_pct"] = ratio(out["count"], out["total"], 100)
    cols = [
        *keys,
        "gender",
        "count",
        "share_pct",
        "total",
        "total_source",
        "source",
        "count_min",
        "count_max",
        "rounding_ok",
    ]
    return _sort(out[cols], keys).astype({"count": "float64", "total": "float64"})
