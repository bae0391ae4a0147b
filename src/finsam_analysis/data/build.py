"""Build data/processed from data/raw: load, validate, convert units, write atomically."""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from finsam_analysis.data import paths
from finsam_analysis.data.loader import DATA_TABLES, Forbund, document_period, load_raw
from finsam_analysis.data.schema import TABLES, processed_schema
from finsam_analysis.data.vocabulary import load_vocabulary

log = logging.getLogger(__name__)


@dataclass
class Tables:
    """The processed tables, one DataFrame per table kind over all förbund and documents."""

    financials: pd.DataFrame
    member_contributions: pd.DataFrame
    interventions: pd.DataFrame
    intervention_finance: pd.DataFrame
    participants: pd.DataFrame
    outcomes: pd.DataFrame
    indicator_survey: pd.DataFrame
    sources: pd.DataFrame  # one row per document: provenance from source.yaml
    forbund: pd.DataFrame  # one row per förbund: name, org nr, county
    members: pd.DataFrame  # one row per (förbund, member): canonical name and kind
    raw: list[Forbund] = field(default_factory=list, repr=False)  # for reconciliation

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)


def to_kronor(frame: pd.DataFrame) -> pd.Series:
    """value in kronor for money units, NaN for count and pct."""
    vocab = load_vocabulary()
    factors = frame["unit"].map(lambda u: vocab.unit_factor(u) if u in vocab.domains["units"] else None)
    return frame["value"] * pd.to_numeric(factors, errors="coerce").astype("float64")


def empty_table(name: str) -> pd.DataFrame:
    spec = TABLES[name]
    columns = ["forbund", "document", *spec.column_names]
    if "unit" in spec.column_names:
        columns.append("value_sek")
    dtypes = {c.name: {"int": "int64", "float": "float64", "str": object}[c.kind] for c in spec.columns}
    dtypes["value_sek"] = "float64"
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in columns})


def combine(forbunds: list[Forbund], name: str) -> pd.DataFrame:
    """One processed table over all documents, in a stable order."""
    parts = []
    for forbund in forbunds:
        for doc in forbund.documents:
            frame = doc.tables.get(name)
            if frame is None or frame.empty:
                continue
            frame = frame.drop(columns=["_line", "_decimals"])
            frame.insert(0, "document", doc.document_id)
            frame.insert(0, "forbund", forbund.slug)
            parts.append(frame)
    if not parts:
        return empty_table(name)
    table = pd.concat(parts, ignore_index=True)
    if "unit" in table:
        table["value_sek"] = to_kronor(table)
    return table


def metadata_frames(forbunds: list[Forbund]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    sources = pd.DataFrame(
        [
            {
                "forbund": f.slug,
                "document": d.document_id,
                "kind": d.source.get("kind"),
                "fiscal_year": d.source.get("fiscal_year"),
                "first_year": d.source.get("years", [None, None])[0],
                "last_year": d.source.get("years", [None, None])[1],
                "title": d.source.get("title"),
                "date": str(d.source.get("date")),
                "original_file": d.source.get("original_file"),
                "sha256": d.source.get("sha256"),
                "url": d.source.get("url"),
                "period": document_period(d.source),
            }
            for f in forbunds
            for d in f.documents
        ]
    )
    forbund = pd.DataFrame(
        [{"forbund": f.slug, "name": f.meta.get("name"), "org_nr": str(f.meta.get("org_nr")), "county": f.meta.get("county")} for f in forbunds]
    )
    members = pd.DataFrame(
        [{"forbund": f.slug, "member": name, "member_kind": kind} for f in forbunds for name, kind in f.members.items()],
        columns=["forbund", "member", "member_kind"],
    )
    return sources, forbund, members


def build_tables(raw_dir: Path | None = None, only: list[str] | None = None) -> Tables:
    """Load and validate every raw folder; return the processed tables in memory."""
    forbunds = load_raw(Path(raw_dir or paths.RAW_DIR), only=only)
    data = {name: combine(forbunds, name) for name in DATA_TABLES}
    for name, frame in data.items():
        processed_schema(TABLES[name]).validate(frame)
    sources, forbund, members = metadata_frames(forbunds)
    return Tables(**data, sources=sources, forbund=forbund, members=members, raw=forbunds)


TABLE_FILES = [f.name for f in fields(Tables) if f.name != "raw"]


def write_processed(tables: Tables, out_dir: Path | None = None) -> Path:
    """Write every table as CSV into out_dir, atomically: all files or none replace the old ones."""
    out_dir = Path(out_dir or paths.PROCESSED_DIR)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".processed-", dir=out_dir.parent))
    try:
        for name in TABLE_FILES:
            tables.table(name).to_csv(staging / f"{name}.csv", index=False, lineterminator="\n")
        (staging / "README.md").write_text(
            "Generated by `finsam build` from data/raw. Do not edit by hand: edit data/raw and rebuild.\n",
            encoding="utf-8",
        )
        previous = out_dir.with_name(out_dir.name + ".old")
        if previous.exists():
            shutil.rmtree(previous)
        if out_dir.exists():
            os.replace(out_dir, previous)
        os.replace(staging, out_dir)
        if previous.exists():
            shutil.rmtree(previous)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def load_processed(processed_dir: Path | None = None) -> Tables:
    """The processed tables from disk; built in memory from data/raw if none were written yet."""
    processed_dir = Path(processed_dir or paths.PROCESSED_DIR)
    if not (processed_dir / "financials.csv").exists():
        log.warning("%s has no processed tables; building from data/raw in memory", processed_dir)
        return build_tables()
    frames = {name: pd.read_csv(processed_dir / f"{name}.csv", dtype={"page": str, "org_nr": str}) for name in TABLE_FILES}
    return Tables(**frames)
