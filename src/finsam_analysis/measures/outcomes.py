"""Outcome rates (utfall efter avslut): how many went to work, studies, continued rehab, ... and of what base."""

from __future__ import annotations

import numpy as np
import pandas as pd

from finsam_analysis.measures._frames import one_per_key, ratio, require_columns, round_half_up
from finsam_analysis.measures.participants import count_range

OUTCOME_KEY = ["forbund", "year", "intervention", "outcome", "gender"]
BASE_KEY = ["forbund", "year", "intervention", "gender", "base"]


def outcome_rates(outcomes: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """Share of participants with an outcome, with the base explicit (andel med visst utfall).

    sv: andel = antal med utfallet / antal deltagare i basen × 100. Basen står i outcomes.csv
        (`exited` = avslutade under året, `active` = alla aktuella): Sydnärke 66 av 100
        avslutade = 66 %, inte 66 av 145 inskrivna (46 %).
    en: rate = participants with the outcome / participants in the base × 100. The base is
        named in outcomes.csv (`exited` = exited in the year, `active` = all active).

    The base count is the participants row with the same förbund, year, intervention and
    gender, measure = base, group '*', unit count. A printed count gives the rate; a printed
    pct is kept as the rate and its count derived from the base (count_min..count_max is
    the range consistent with the rounding). NaN with a `reason` where no base is stated,
    the base count is missing or zero.
    Columns: forbund, year, intervention, outcome, gender, base, base_count, count, rate_pct,
    printed_pct, count_min, count_max, source, reason.
    """
    require_columns(outcomes, [*OUTCOME_KEY, "value", "unit", "base"], "outcome_rates outcomes")
    require_columns(
        participants,
        ["forbund", "year", "intervention", "group", "measure", "gender", "value", "unit"],
        "outcome_rates participants",
    )
    counts = one_per_key(
        outcomes.loc[outcomes["unit"] == "count", [*OUTCOME_KEY, "base", "value"]],
        OUTCOME_KEY,
        "value",
        "outcome_rates (counts)",
    )
    pcts = one_per_key(
        outcomes.loc[outcomes["unit"] == "pct", [*OUTCOME_KEY, "base", "value"]],
        OUTCOME_KEY,
        "value",
        "outcome_rates (pct)",
    )
    rows = counts.rename(columns={"value": "count"}).merge(
        pcts.rename(columns={"value": "printed_pct", "base": "_pct_base"}), on=OUTCOME_KEY, how="outer"
    )
    rows["base"] = rows["base"].fillna(rows["_pct_base"])
    rows = rows.drop(columns="_pct_base")
    rows["source"] = np.where(rows["count"].notna(), "printed count", "printed pct")

    bases = participants.loc[
        (participants["group"] == "*") & (participants["unit"] == "count"),
        ["forbund", "year", "intervention", "gender", "measure", "value"],
    ]
    bases = bases.rename(columns={"measure": "base", "value": "base_count"})
    bases = bases.merge(rows[BASE_KEY].drop_duplicates(), on=BASE_KEY)  # only the bases needed here
    bases = one_per_key(bases, BASE_KEY, "base_count", "outcome_rates (base counts)")
    out = rows.merge(bases, on=BASE_KEY, how="left")
    out = out.astype({"count": "float64", "printed_pct": "float64", "base_count": "float64"})

    from_pct = out["count"].isna() & out["printed_pct"].notna()
    out.loc[from_pct, "count"] = round_half_up(out.loc[from_pct, "printed_pct"] / 100 * out.loc[from_pct, "base_count"])
    low, high = count_range(out["printed_pct"], out["base_count"])
    out["count_min"] = low.where(from_pct, out["count"])
    out["count_max"] = high.where(from_pct, out["count"])
    out["rate_pct"] = ratio(out["count"], out["base_count"], 100).where(~from_pct, out["printed_pct"])
    out["rate_pct"] = out["rate_pct"].fillna(out["printed_pct"])
    reason = np.select(
        [out["base"].isna() | (out["base"] == ""), out["base_count"].isna(), out["base_count"] == 0],
        ["no base stated", "no participant count for the base", "base count is zero"],
        default=None,
    )
    out["reason"] = pd.Series(reason, index=out.index, dtype="str")
    out.loc[out["base_count"] == 0, "rate_pct"] = np.nan
    cols = [
        *OUTCOME_KEY[:-1],
        "outcome",
        "gender",
        "base",
        "base_count",
        "count",
        "rate_pct",
        "printed_pct",
        "count_min",
        "count_max",
        "source",
        "reason",
    ]
    cols = list(dict.fromkeys(cols))
    return out[cols].astype({"year": "int64"}).sort_values(OUTCOME_KEY, ignore_index=True)
