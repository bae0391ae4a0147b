"""Read the raw folders into validated DataFrames.

Every problem is collected and reported together as `file:line: column: what is wrong`, so a
curator fixes a whole file in one pass instead of one error per build.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

from finsam_analysis.data.errors import CurationError, Problem
from finsam_analysis.data.schema import TABLES, DocumentContext, TableSpec, raw_schema
from finsam_analysis.data.vocabulary import Vocabulary, load_vocabulary

# the kinds of document are one list, the vocabulary's document_kinds (precedence uses it too)
DOCUMENT_KINDS = load_vocabulary().words("document_kinds")
DOCUMENT_ID = re.compile(rf"^(?P<kind>{'|'.join(DOCUMENT_KINDS)})-(?P<date>\d{{4}}(-\d{{2}}-\d{{2}})?)$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DECIMAL_COMMA = re.compile(r"^[-+]?\d[\d ]*,\d+$")
FORBUND_KEYS = {"slug", "name", "org_nr", "county", "members"}
SOURCE_KEYS = {
    "document_id", "forbund", "kind", "fiscal_year", "years", "title", "date",
    "original_file", "sha256", "url", "curated_by", "curated_at",
}
# optional keys of source.yaml: the part of the year the document covers (default helar) and,
# for a web or press text, the date it was published (if other than `date`)
OPTIONAL_SOURCE_KEYS = {"period", "published"}
DATA_TABLES = tuple(name for name in TABLES if name != "known_discrepancies")


@dataclass
class Document:
    """One curated source document: its provenance and its typed tables."""

    forbund: str
    document_id: str
    folder: Path
    source: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    checks: dict = field(default_factory=dict)
    discrepancies: pd.DataFrame | None = None


@dataclass
class Forbund:
    slug: str
    folder: Path
    meta: dict
    documents: list[Document] = field(default_factory=list)

    @property
    def members(self) -> dict[str, str]:
        return {m["name"]: m["kind"] for m in self.meta.get("members", [])}


def read_yaml(path: Path, problems: list[Problem]) -> dict:
    """A YAML mapping, or {} with a problem recorded."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except FileNotFoundError:
        problems.append(Problem(path, None, None, "file is missing"))
        return {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        problems.append(Problem(path, line + 1 if line is not None else None, None, f"invalid YAML: {exc}"))
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(path, None, None, "expected a mapping of keys to values"))
        return {}
    return data


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_forbund_meta(path: Path, meta: dict, slug: str, vocab: Vocabulary, problems: list[Problem]) -> None:
    missing = FORBUND_KEYS - set(meta)
    if missing:
        problems.append(Problem(path, None, None, f"missing keys {sorted(missing)}; expected {sorted(FORBUND_KEYS)}"))
    if meta.get("slug") not in (None, slug):
        problems.append(Problem(path, None, "slug", f"{meta.get('slug')!r} does not match its folder name {slug!r}"))
    kinds = vocab.words("member_kinds")
    for i, member in enumerate(meta.get("members") or []):
        if not isinstance(member, dict) or not member.get("name") or member.get("kind") not in kinds:
            problems.append(Problem(path, None, f"members[{i}]", f"{member!r}: expected {{name: ..., kind: one of {', '.join(kinds)}}}"))


def check_source_meta(folder: Path, meta: dict, slug: str, problems: list[Problem]) -> None:
    path = folder / "source.yaml"
    missing = SOURCE_KEYS - set(meta)
    if missing:
        problems.append(Problem(path, None, None, f"missing keys {sorted(missing)}"))
        return
    if meta["forbund"] != slug:
        problems.append(Problem(path, None, "forbund", f"{meta['forbund']!r} does not match the förbund folder {slug!r}"))
    if not DOCUMENT_ID.match(folder.name):
        problems.append(Problem(folder, None, None, "document folder is not named <kind>-<year> or <kind>-<yyyy-mm-dd>"))
    if meta["document_id"] != folder.name:
        problems.append(Problem(path, None, "document_id", f"{meta['document_id']!r} does not match the folder name {folder.name!r}"))
    if meta["kind"] not in DOCUMENT_KINDS:
        problems.append(Problem(path, None, "kind", f"{meta['kind']!r} is not one of {', '.join(DOCUMENT_KINDS)}"))
    check_source_kind(folder, meta, problems)
    years = meta.get("years")
    if not (isinstance(years, list) and len(years) == 2 and all(isinstance(y, int) for y in years) and years[0] <= years[1]):
        problems.append(Problem(path, None, "years", f"{years!r}: expected [first_year, last_year]"))
    if not (isinstance(meta.get("date"), dt.date) or MONTH.match(str(meta.get("date")))):
        # a document may print only the month (Halland 2025: "bestämdes 2025-03-XX")
        problems.append(Problem(path, None, "date", f"{meta.get('date')!r}: expected a date YYYY-MM-DD or, where the day is not printed, 'YYYY-MM'"))
    if not isinstance(meta.get("curated_at"), dt.date):
        problems.append(Problem(path, None, "curated_at", f"{meta.get('curated_at')!r}: expected a date YYYY-MM-DD"))
    text = folder / "source.txt"
    if not text.exists():
        problems.append(Problem(text, None, None, "missing: the text the figures were typed from"))
    elif sha256_of(text) != meta.get("sha256"):
        problems.append(Problem(path, None, "sha256", f"does not match source.txt (actual {sha256_of(text)})"))


def check_source_kind(folder: Path, meta: dict, problems: list[Problem]) -> None:
    """The folder's kind matches `kind`; a period is a period word; a web text has its URL and date."""
    from finsam_analysis.data.periods import is_period, period_problem

    path = folder / "source.yaml"
    match = DOCUMENT_ID.match(folder.name)
    if match and meta["kind"] in DOCUMENT_KINDS and match["kind"] != meta["kind"]:
        problems.append(Problem(path, None, "kind", f"{meta['kind']!r} does not match the folder name {folder.name!r} (kind {match['kind']!r})"))
    if "period" in meta and not is_period(meta["period"]):
        problems.append(Problem(path, None, "period", period_problem(meta["period"])))
    if meta["kind"] == "webbtext":
        if not str(meta.get("url") or "").startswith(("http://", "https://")):
            problems.append(Problem(path, None, "url", f"{meta.get('url')!r}: a web or press text needs the address it was read at (http:// or https://)"))
        if not isinstance(meta.get("date"), dt.date):
            problems.append(Problem(path, None, "date", f"{meta.get('date')!r}: a web or press text needs its publication date YYYY-MM-DD"))


def document_period(source: dict) -> str:
    """The period a document's rows cover unless a row says otherwise (source.yaml `period`)."""
    from finsam_analysis.data.periods import FULL_YEAR, canonical, is_period

    period = source.get("period", FULL_YEAR)
    return canonical(period) if is_period(period) else FULL_YEAR


def parse_number(text: str, kind: str) -> tuple[float | int | None, str | None]:
    """(value, None) or (None, what is wrong). Empty text is (None, None)."""
    if text == "":
        return None, None
    if DECIMAL_COMMA.match(text):
        return None, f"{text!r} uses a decimal comma or a space; expected a plain number like {text.replace(' ', '').replace(',', '.')}"
    if " " in text or "\u00a0" in text:
        return None, f"{text!r} contains a space; expected digits only like {text.replace(' ', '').replace(chr(160), '')}"
    try:
        value = float(text)
    except ValueError:
        return None, f"{text!r} is not a number"
    if kind == "int":
        if not value.is_integer():
            return None, f"{text!r} is not a whole number"
        return int(value), None
    return value, None


def read_table(path: Path, spec: TableSpec, problems: list[Problem]) -> pd.DataFrame | None:
    """Parse one CSV into typed columns; structural and number problems go to `problems`."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        problems.append(Problem(path, 1, None, f"empty file; expected the header {','.join(spec.column_names)}"))
        return None
    header, body = rows[0], rows[1:]
    missing = [c for c in spec.column_names if c not in header and c not in spec.optional_columns]
    unknown = [c for c in header if c not in spec.column_names]
    for name in missing:
        problems.append(Problem(path, 1, name, f"missing column; expected the header {','.join(spec.column_names)}"))
    for name in unknown:
        problems.append(Problem(path, 1, name, f"unknown column; expected the header {','.join(spec.column_names)}"))
    if missing or unknown:
        return None
    records = []
    for offset, row in enumerate(body):
        line = offset + 2
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(Problem(path, line, None, f"has {len(row)} fields; expected {len(header)} ({','.join(header)})"))
            continue
        record = dict(zip(header, row))
        record["_line"] = line
        text = record.get("value", "")
        record["_decimals"] = len(text.split(".", 1)[1]) if "." in text else 0
        for col in spec.numeric_columns:
            value, error = parse_number(record.get(col.name, ""), col.kind)
            if error:
                problems.append(Problem(path, line, col.name, error))
            elif value is None and col.required:
                problems.append(Problem(path, line, col.name, "is empty; expected a number"))
            record[col.name] = value
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=[*spec.column_names, "_line", "_decimals"])
    for col in spec.columns:
        if col.name not in frame:
            frame[col.name] = None
        if col.kind == "str":
            values = frame[col.name].astype(object)
            frame[col.name] = values if col.required else values.where(values.fillna("") != "", None)
        elif col.kind == "int":
            frame[col.name] = pd.to_numeric(frame[col.name]).astype("Int64").fillna(-1).astype("int64")
        else:
            frame[col.name] = pd.to_numeric(frame[col.name]).astype("float64")
    return frame


def validate_table(path: Path, frame: pd.DataFrame, spec: TableSpec, vocab: Vocabulary, ctx: DocumentContext, problems: list[Problem]) -> None:
    """Run the pandera schema; turn each failure into a file:line problem."""
    schema = raw_schema(spec, vocab, ctx)
    unparsed = {(p.line, p.column) for p in problems if p.file == path}
    try:
        schema.validate(frame.drop(columns=["_line", "_decimals"]), lazy=True)
    except pa.errors.SchemaErrors as exc:
        seen = set()
        cases = exc.failure_cases
        for case in cases.itertuples(index=False):
            column, message = case.column, str(case.check)
            if "|" in message:
                column, message = message.split("|", 1)
            index = case.index
            if index is None or pd.isna(index):
                problems.append(Problem(path, None, column, message))
                continue
            row = frame.iloc[int(index)]
            if (int(index), column, message) in seen:
                continue
            seen.add((int(index), column, message))
            if (int(row["_line"]), column) in unparsed:
                continue  # already reported as a number that could not be read
            value = row[column] if column in row.index else case.failure_case
            if hasattr(value, "item"):
                value = value.item()  # numpy scalar -> plain Python for a readable repr
            problems.append(Problem(path, int(row["_line"]), column, f"{value!r} {message}"))


def load_document(folder: Path, forbund: Forbund, vocab: Vocabulary, problems: list[Problem]) -> Document:
    source = read_yaml(folder / "source.yaml", problems)
    if source:
        check_source_meta(folder, source, forbund.slug, problems)
    years = source.get("years") if isinstance(source.get("years"), list) else [0, 9999]
    doc = Document(forbund.slug, folder.name, folder, source)
    unknown = sorted(
        p.name for p in folder.glob("*.csv") if p.stem not in TABLES
    )
    for name in unknown:
        problems.append(Problem(folder / name, None, None, f"unknown table; expected one of {', '.join(f'{t}.csv' for t in TABLES)}"))
    parsed: dict[str, pd.DataFrame] = {}
    for name, spec in TABLES.items():
        path = folder / f"{name}.csv"
        if path.exists():
            frame = read_table(path, spec, problems)
            if frame is not None:
                parsed[name] = frame
    period = document_period(source)
    for frame in parsed.values():
        if "period" in frame.columns:  # a row's own period, else the document's
            from finsam_analysis.data.periods import canonical

            frame["period"] = [canonical(p) if isinstance(p, str) else period for p in frame["period"]]
    interventions = tuple(parsed["interventions"]["intervention"]) if "interventions" in parsed else ()
    ctx = DocumentContext(int(years[0]), int(years[1]), forbund.members, interventions)
    for name, frame in parsed.items():
        validate_table(folder / f"{name}.csv", frame, TABLES[name], vocab, ctx, problems)
    doc.discrepancies = parsed.pop("known_discrepancies", None)
    doc.tables = parsed
    checks_path = folder / "checks.yaml"
    if checks_path.exists():
        doc.checks = read_yaml(checks_path, problems)
    return doc


def load_raw(raw_dir: Path, vocab: Vocabulary | None = None, only: list[str] | None = None) -> list[Forbund]:
    """Every förbund folder under raw_dir (except reference/), validated. Raises CurationError."""
    vocab = vocab or load_vocabulary()
    problems: list[Problem] = []
    result = []
    if not raw_dir.is_dir():
        raise CurationError([Problem(raw_dir, None, None, "raw data folder does not exist")])
    for folder in sorted(p for p in raw_dir.iterdir() if p.is_dir() and p.name != "reference"):
        if only and folder.name not in only:
            continue
        if not SLUG.match(folder.name):
            problems.append(Problem(folder, None, None, "folder name is not a förbund slug (lowercase ASCII, digits, '-')"))
            continue
        meta = read_yaml(folder / "forbund.yaml", problems)
        check_forbund_meta(folder / "forbund.yaml", meta, folder.name, vocab, problems)
        forbund = Forbund(folder.name, folder, meta)
        for doc_folder in sorted(p for p in folder.iterdir() if p.is_dir()):
            forbund.documents.append(load_document(doc_folder, forbund, vocab, problems))
        result.append(forbund)
    if only:
        unknown = sorted(set(only) - {f.slug for f in result})
        for slug in unknown:
            problems.append(Problem(raw_dir / slug, None, None, "no such förbund folder"))
    if problems:
        raise CurationError(problems)
    return result
