"""Reference data (KPI, prisbasbelopp, Nationella rådet's equity guideline) from data/raw/reference.

Each loader reads one CSV, checks its shape and returns a small DataFrame; a broken or missing
file raises ReferenceDataError naming the file and what is wrong. Provenance of every file is
in data/raw/reference/source.yaml.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from finsam_analysis.data import paths

KPI_FILE = "kpi_annual.csv"
PRISBASBELOPP_FILE = "prisbasbelopp.csv"
EQUITY_BANDS_FILE = "equity_guideline_bands.csv"


class ReferenceDataError(RuntimeError):
    """A reference file is missing or does not have the expected shape."""


def _read(name: str, columns: list[str], reference_dir: Path | str | None) -> tuple[pd.DataFrame, Path]:
    path = Path(reference_dir if reference_dir is not None else paths.REFERENCE_DIR) / name
    if not path.is_file():
        raise ReferenceDataError(
            f"{path}: reference file not found; it belongs in data/raw/reference/ "
            "(see the README and source.yaml there)"
        )
    df = pd.read_csv(path)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ReferenceDataError(
            f"{path}: missing column(s) {missing}; expected header {','.join(columns)}"
        )
    if df.empty:
        raise ReferenceDataError(f"{path}: no rows")
    return df[columns].copy(), path


def _numeric(df: pd.DataFrame, column: str, path: Path, allow_missing: bool = False) -> pd.Series:
    values = pd.to_numeric(df[column], errors="coerce")
    bad = values.isna() & (df[column].notna() if allow_missing else True)
    if bad.any():
        line = int(bad.to_numpy().nonzero()[0][0]) + 2  # header is line 1
        raise ReferenceDataError(f"{path}:{line}: {column}: {df[column].iloc[line - 2]!r} is not a number")
    return values


def _yearly_index(name: str, value_column: str, reference_dir) -> pd.DataFrame:
    df, path = _read(name, ["year", value_column], reference_dir)
    years = _numeric(df, "year", path)
    if (years != years.round()).any():
        raise ReferenceDataError(f"{path}: year: whole years expected")
    values = _numeric(df, value_column, path)
    if (values <= 0).any():
        line = int((values <= 0).to_numpy().nonzero()[0][0]) + 2
        raise ReferenceDataError(f"{path}:{line}: {value_column}: must be positive")
    out = pd.DataFrame({"year": years.astype("int64"), value_column: values.astype("float64")})
    if out["year"].duplicated().any():
        dup = out.loc[out["year"].duplicated(), "year"].tolist()
        raise ReferenceDataError(f"{path}: year(s) {dup} occur more than once")
    return out.sort_values("year", ignore_index=True)


def load_kpi(reference_dir: Path | str | None = None) -> pd.DataFrame:
    """KPI (konsumentprisindex), annual average, 1980 = 100: columns year, kpi_1980_100.

    Source: SCB, "KPI, fastställda tal", årsmedel; 2024-2025 provisional (source.yaml).
    """
    return _yearly_index(KPI_FILE, "kpi_1980_100", reference_dir)


def load_prisbasbelopp(reference_dir: Path | str | None = None) -> pd.DataFrame:
    """Prisbasbelopp per year in kronor: columns year, prisbasbelopp_sek.

    Source: SCB / Försäkringskassan, fastställt prisbasbelopp enligt socialförsäkringsbalken.
    """
    return _yearly_index(PRISBASBELOPP_FILE, "prisbasbelopp_sek", reference_dir)


def load_equity_bands(reference_dir: Path | str | None = None) -> pd.DataFrame:
    """Nationella rådet's equity guideline as marginal bands: lower_sek, upper_sek, marginal_share.

    Rekommenderat högsta egna kapital (trappa): `marginal_share` of the member contributions
    between `lower_sek` and `upper_sek` (upper NaN = no upper bound). The bands must start at
    0, follow each other without gaps, and only the last may be open.
    """
    df, path = _read(EQUITY_BANDS_FILE, ["lower_sek", "upper_sek", "marginal_share"], reference_dir)
    out = pd.DataFrame(
        {
            "lower_sek": _numeric(df, "lower_sek", path).astype("float64"),
            "upper_sek": _numeric(df, "upper_sek", path, allow_missing=True).astype("float64"),
            "marginal_share": _numeric(df, "marginal_share", path).astype("float64"),
        }
    ).sort_values("lower_sek", ignore_index=True)
    if out["lower_sek"].iloc[0] != 0:
        raise ReferenceDataError(f"{path}: the first band must start at 0 kr")
    if not out["marginal_share"].between(0, 1).all():
        raise ReferenceDataError(f"{path}: marginal_share must be a share between 0 and 1 (0.20, not 20)")
    uppers = out["upper_sek"].to_numpy()
    if np.isnan(uppers[:-1]).any():
        raise ReferenceDataError(f"{path}: only the last band may have an empty upper_sek")
    if not np.array_equal(uppers[:-1], out["lower_sek"].to_numpy()[1:]):
        raise ReferenceDataError(f"{path}: bands must be contiguous (each lower_sek = previous upper_sek)")
    if (out["upper_sek"].dropna() <= out["lower_sek"][out["upper_sek"].notna()]).any():
        raise ReferenceDataError(f"{path}: upper_sek must exceed lower_sek")
    return out
