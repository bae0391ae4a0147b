"""Trends: one financial item as a yearly series, year-over-year change and CAGR."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from finsam_analysis.measures._frames import (
    STATEMENT_PREFERENCE,
    one_per_key,
    pick_statement,
    ratio,
    require_columns,
)
from finsam_analysis.measures.prices import fixed_column, to_fixed_prices

SERIES_COLUMNS = ["forbund", "year", "item", "basis", "statement", "document"]


def item_series(
    financials: pd.DataFrame,
    item: str,
    basis: str = "utfall",
    statements: Sequence[str] = STATEMENT_PREFERENCE,
    value: str = "value_sek",
) -> pd.DataFrame:
    """One financial item per förbund and year (tidsserie för en post).

    sv: årsvärdet för en post (t.ex. medlemsavgifter) per förbund, ett värde per år.
    en: the yearly value of one item (e.g. member contributions) per förbund.

    Where a document prints the item in several statements, the most detailed statement wins
    (STATEMENT_PREFERENCE: income statement/balance sheet in kronor before the tkr overview).
    Across documents the caller deduplicates (finsam_analysis.data.precedence.preferred); two
    different figures left for one förbund and year raise MeasureError.
    Columns: forbund, year, item, basis, statement, document, value_sek (for count and pct
    items pass value="value": the column is then `value`).
    """
    require_columns(financials, ["forbund", "year", "basis", "item", "statement", value], "item_series")
    rows = financials.loc[(financials["item"] == item) & (financials["basis"] == basis)]
    if "document" not in rows.columns:
        rows = rows.assign(document=pd.Series(pd.NA, index=rows.index, dtype="str"))
    rows = pick_statement(rows, ["forbund", "year"], statements)
    rows = one_per_key(rows, ["forbund", "year"], value, f"item_series({item!r}, {basis!r})")
    out = rows[[*SERIES_COLUMNS, value]].sort_values(["forbund", "year"], ignore_index=True)
    return out.astype({"year": "int64", value: "float64"})


def year_over_year(
    df: pd.DataFrame,
    value: str = "value_sek",
    by: Sequence[str] = ("forbund",),
    year: str = "year",
) -> pd.DataFrame:
    """Change from the previous year (förändring mot föregående år), in kronor and percent.

    sv: förändring = värde(år) − värde(år − 1); förändring % = förändring / |värde(år − 1)| × 100.
    en: change = value(year) − value(year − 1); change % = change / |value(year − 1)| × 100.

    Adds previous_value, change, change_pct. A year whose previous year is missing gets NaN
    (never compared with an older year); change_pct is NaN where the previous value is 0.
    Dividing by |previous| keeps the sign meaningful for costs (negative): a cost going from
    −100 to −120 has change −20 and change_pct −20 %, i.e. 20 % more cost.
    """
    by = list(by)
    require_columns(df, [*by, year, value], "year_over_year")
    df = one_per_key(df, [*by, year], value, "year_over_year")
    previous = df[[*by, year, value]].assign(**{year: df[year] + 1}).rename(columns={value: "previous_value"})
    out = df.merge(previous, on=[*by, year], how="left", validate="one_to_one")
    out["previous_value"] = out["previous_value"].astype("float64")
    out["change"] = out[value].astype("float64") - out["previous_value"]
    out["change_pct"] = ratio(out["change"], out["previous_value"].abs(), 100)
    return out.sort_values([*by, year], ignore_index=True)


def cagr(
    df: pd.DataFrame,
    value: str = "value_sek",
    by: Sequence[str] = ("forbund",),
    year: str = "year",
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """Compound annual growth rate (genomsnittlig årlig förändringstakt) between two years.

    sv: CAGR = (värde(slutår) / värde(startår)) ^ (1 / (slutår − startår)) − 1, i procent.
    en: CAGR = (value(end) / value(start)) ^ (1 / (end − start)) − 1, in percent.

    Start and end default to each group's first and last year. For negative items (costs)
    the rate is the growth of the amount (−100 -> −121 over 2 years is +10 %). NaN with a
    `reason` where a year is missing, the span is zero, or start and end are zero or differ
    in sign. Columns: by..., start_year, end_year, start_value, end_value, cagr_pct, reason.
    """
    by = list(by)
    require_columns(df, [*by, year, value], "cagr")
    df = one_per_key(df, [*by, year], value, "cagr")
    rows = []
    for key, group in df.groupby(by, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        values = group.set_index(group[year].astype("int64"))[value].astype("float64")
        start = int(start_year) if start_year is not None else int(values.index.min())
        end = int(end_year) if end_year is not None else int(values.index.max())
        first, last = values.get(start, np.nan), values.get(end, np.nan)
        rate, reason = np.nan, None
        if np.isnan(first) or np.isnan(last):
            reason = f"no figure for {start if np.isnan(first) else end}"
        elif end <= start:
            reason = "needs two different years"
        elif first == 0 or last == 0 or np.sign(first) != np.sign(last):
            reason = "start and end must be non-zero and of the same sign"
        else:
            rate = ((last / first) ** (1 / (end - start)) - 1) * 100
        rows.append((*key, start, end, first, last, rate, reason))
    out = pd.DataFrame(rows, columns=[*by, "start_year", "end_year", "start_value", "end_value", "cagr_pct", "reason"])
    return out.astype(
        {
            "start_year": "int64",
            "end_year": "int64",
            "start_value": "float64",
            "end_value": "float64",
            "cagr_pct": "float64",
            "reason": "str",
        }
    )


def nominal_and_real(
    series: pd.DataFrame,
    index: pd.DataFrame,
    base_year: int,
    value: str = "value_sek",
    by: Sequence[str] = ("forbund",),
    missing: str = "raise",
) -> pd.DataFrame:
    """A series in current and fixed prices with the yearly change of each (löpande och fasta priser).

    sv: real förändring = förändring av beloppet i fasta priser (basår `base_year`).
    en: real change = change of the value in fixed prices of `base_year` (deflated with `index`).

    Columns: by..., year, <value>, <value>_fixed, change_pct (nominal), real_change_pct.
    missing="nan": a year the index does not cover keeps its nominal figures, fixed ones NaN.
    """
    by = list(by)
    fixed = fixed_column(value)
    priced = to_fixed_prices(series, index, base_year, value=value, missing=missing)
    nominal = year_over_year(priced, value=value, by=by)[[*by, "year", value, fixed, "change_pct"]]
    real = year_over_year(priced, value=fixed, by=by)[[*by, "year", "change_pct"]]
    out = nominal.merge(real.rename(columns={"change_pct": "real_change_pct"}), on=[*by, "year"])
    return out.assign(price_base_year=base_year)
