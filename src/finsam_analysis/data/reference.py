"""Reference data (KPI, prisbasbelopp, Nationella rådet's equity guideline) from data/raw/reference.

Each loader reads one CSV, checks its shape and returns a small DataFrame; a broken or missing
file raises ReferenceDataError naming the file and what is wrong. Provenance of every file is
in data/raw/reference/source.yaml.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from finsam_analysis.data import paths
from finsam_analysis.data.numbers import parse_number

KPI_FILE = "kpi_annual.csv"
PRISBASBELOPP_FILE = "prisbasbelopp.csv"
EQUITY_BANDS_FILE = "equity_guideline_bands.csv"


class ReferenceDataError(RuntimeError):
    """A reference file is missing or does not have the expected shape."""


MAX_BYTES = 1_000_000


def _read(name: str, columns: list[str], reference_dir: Path | str | None) -> tuple[pd.DataFrame, Path]:
    """The named columns as text (one row per line, `_line` the file line), strictly read:
    UTF-8 (a BOM is accepted), no repeated or missing header names, at least one row."""
    path = Path(reference_dir if reference_dir is not None else paths.REFERENCE_DIR) / name
    if not path.is_file():
        what = (
            "is a directory; expected a CSV file"
            if path.is_dir()
            else "reference file not found; it belongs in data/raw/reference/ (see the README and source.yaml there)"
        )
        raise ReferenceDataError(f"{path}: {what}")
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise ReferenceDataError(
            f"{path}: {len(data)} bytes, more than {MAX_BYTES}; a reference table is a few kilobytes"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ReferenceDataError(f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}); save as UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = [row for row in reader]
    except csv.Error as exc:
        raise ReferenceDataError(f"{path}:{reader.line_num}: malformed CSV: {exc}") from None
    if not rows:
        raise ReferenceDataError(f"{path}: empty file; expected header {','.join(columns)}")
    header = rows[0]
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise ReferenceDataError(
            f"{path}:1: column(s) {repeated} appear more than once; expected header {','.join(columns)}"
        )
    missing = [c for c in columns if c not in header]
    if missing:
        raise ReferenceDataError(f"{path}: missing column(s) {missing}; expected header {','.join(columns)}")
    records = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ReferenceDataError(
                f"{path}:{line}: has {len(row)} fields; expected {len(header)} ({','.join(header)})"
            )
        record = dict(zip(header, row))
        records.append({"_line": line, **{c: record[c] for c in columns}})
    if not records:
        raise ReferenceDataError(f"{path}: no rows")
    return pd.DataFrame.from_records(records, columns=["_line", *columns]), path


def _numeric(df: pd.DataFrame, column: str, path: Path, allow_missing: bool = False, kind: str = "float") -> pd.Series:
    """A column parsed by the one number grammar (data.numbers); the first bad cell raises."""
    values = []
    for line, text in zip(df["_line"], df[column]):
        value, error = parse_number(text, kind)
        if error is None and value is None and not allow_missing:
            error = "is empty; expected a number"
        if error:
            raise ReferenceDataError(f"{path}:{line}: {column}: {error}")
        values.append(float("nan") if value is None else value)
    return pd.Series(values, index=df.index, dtype="float64")


def _yearly_index(name: str, value_column: str, reference_dir) -> pd.DataFrame:
    df, path = _read(name, ["year", value_column], reference_dir)
    years = _numeric(df, "year", path, kind="year")
    values = _numeric(df, value_column, path)
    if (values <= 0).any():
        line = int(df["_line"][values <= 0].iloc[0])
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
    if (out["lower_sek"] < 0).any() or (out["upper_sek"] < 0).any():
        raise ReferenceDataError(f"{path}: lower_sek and upper_sek must be kronor >= 0")
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


def check_reference(reference_dir: Path | str | None = None) -> list[str]:
    """Every reference table loaded and checked, plus its sha256 against source.yaml.

    Returns one message per problem (empty = all fine); `finsam build` stops on any.
    """
    import hashlib

    from finsam_analysis.data import metadata
    from finsam_analysis.data.yamlfile import YamlFileError, load_yaml

    folder = Path(reference_dir if reference_dir is not None else paths.REFERENCE_DIR)
    messages = []
    for loader in (load_kpi, load_prisbasbelopp, load_equity_bands):
        try:
            loader(folder)
        except ReferenceDataError as exc:
            messages.append(str(exc))
    try:
        source = load_yaml(folder / "source.yaml")
    except YamlFileError as exc:
        return messages + [str(exc)]
    problems = metadata.check(source, "reference/source.yaml", folder / "source.yaml")
    if problems:
        return messages + [str(p) for p in problems]
    for name, meta in source["files"].items():
        path = folder / name
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() != meta["sha256"]:
            messages.append(
                f"{folder / 'source.yaml'}:{source['files'].line_of(name)}: files.{name}.sha256: does not match {name}; update it only with a deliberate, sourced change"
            )
    return messages
