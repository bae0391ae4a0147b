"""Fixed prices (fasta priser): nominal kronor re-expressed in the prices of a base year."""

from __future__ import annotations

import pandas as pd

from finsam_analysis.measures._frames import MeasureError, require_columns


def _index_levels(index: pd.DataFrame) -> pd.Series:
    """year -> index level, from a two-column frame (year + one level column)."""
    require_columns(index, ["year"], "price index")
    levels = [c for c in index.columns if c != "year"]
    if len(levels) != 1:
        raise MeasureError(
            f"price index: expected 'year' and one level column (e.g. kpi_1980_100 or "
            f"prisbasbelopp_sek), got {list(index.columns)}"
        )
    series = index.set_index(index["year"].astype("int64"))[levels[0]].astype("float64")
    if series.index.duplicated().any():
        raise MeasureError("price index: a year occurs more than once")
    return series


def fixed_column(value: str) -> str:
    """Name of the fixed-price column for a value column: value_sek -> value_fixed_sek."""
    return value[: -len("_sek")] + "_fixed_sek" if value.endswith("_sek") else value + "_fixed"


def to_fixed_prices(
    df: pd.DataFrame,
    index: pd.DataFrame,
    base_year: int,
    value: str = "value_sek",
    year: str = "year",
    missing: str = "raise",
) -> pd.DataFrame:
    """Add the value in fixed prices of `base_year` (fasta priser, `base_year` års penningvärde).

    sv: belopp i fasta priser = löpande belopp × index(basår) / index(år).
    en: fixed-price value = nominal value × index(base year) / index(year).

    `index` is a price index with columns year and one level column: reference.load_kpi()
    (KPI, the usual choice) or reference.load_prisbasbelopp(). Adds columns
    `<value>_fixed` (value_sek -> value_fixed_sek), `deflator` (index(base)/index(year)) and
    `price_base_year`. Raises MeasureError if the index lacks the base year or any year of df;
    with missing="nan" a year the index does not cover gets NaN instead (see uncovered_years),
    so one uncovered year degrades only its own fixed-price figure.
    """
    if missing not in ("raise", "nan"):
        raise MeasureError(f"to_fixed_prices: missing must be 'raise' or 'nan', got {missing!r}")
    require_columns(df, [year, value], "to_fixed_prices")
    levels = _index_levels(index)
    out_col = fixed_column(value)
    if base_year not in levels.index:
        raise MeasureError(
            f"price index has no figure for base year {base_year}; it covers {levels.index.min()}-{levels.index.max()}"
        )
    if df.empty:
        return df.assign(
            **{
                out_col: pd.Series(dtype="float64"),
                "deflator": pd.Series(dtype="float64"),
                "price_base_year": pd.Series(dtype="int64"),
            }
        )
    years = df[year].astype("int64")
    absent = sorted(set(years) - set(levels.index))
    if absent and missing == "raise":
        raise MeasureError(
            f"price index has no figure for year(s) {absent}; it covers "
            f"{levels.index.min()}-{levels.index.max()} (add the year to data/raw/reference)"
        )
    deflator = levels[base_year] / years.map(levels).astype("float64")
    return df.assign(
        **{
            out_col: df[value].astype("float64") * deflator.to_numpy(),
            "deflator": deflator.to_numpy(),
            "price_base_year": base_year,
        }
    )


def uncovered_years(df: pd.DataFrame, index: pd.DataFrame, year: str = "year") -> list[int]:
    """The years of df that the price index has no figure for, sorted."""
    levels = _index_levels(index)
    return sorted(int(y) for y in set(df[year].astype("int64")) - set(levels.index))


def base_year_for(year: int, index: pd.DataFrame) -> int:
    """The default base year of a report: its own year, else the nearest year the index covers."""
    covered = _index_levels(index).index
    if year in covered:
        return int(year)
    return int(covered.max()) if year > covered.max() else int(covered.min())


__all__ = ["to_fixed_prices", "fixed_column", "uncovered_years", "base_year_for"]
