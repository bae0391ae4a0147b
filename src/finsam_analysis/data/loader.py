"""Read the raw folders into validated DataFrames.

Every problem is collected and reported together as `file:line: column: what is wrong`, so a
curator fixes a whole file in one pass instead of one error per build.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from finsam_analysis.data import metadata, paths
from finsam_analysis.data.errors import CurationError, Problem
from finsam_analysis.data.numbers import GRAMMAR, check_value, parse_number
from finsam_analysis.data.schema import TABLES, DocumentContext, TableSpec, raw_schema
from finsam_analysis.data.vocabulary import Vocabulary, load_vocabulary
from finsam_analysis.data.yamlfile import MAX_BYTES as MAX_YAML_BYTES
from finsam_analysis.data.yamlfile import YamlFileError, decode_utf8, line_of, parse_yaml

# the kinds of document are one list, the vocabulary's document_kinds (precedence uses it too)
DOCUMENT_KINDS = load_vocabulary().words("document_kinds")
DOCUMENT_ID = re.compile(rf"^(?P<kind>{'|'.join(DOCUMENT_KINDS)})-(?P<date>\d{{4}}(-\d{{2}}-\d{{2}})?)$")
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


MAX_CSV_BYTES = 20_000_000
MAX_TEXT_BYTES = 20_000_000
# control characters (ESC, BEL, ...; a newline inside a quoted cell is fine) and the bidi
# overrides that make text display differently from what it is
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")
MAX_FIELD = 131_072  # csv's default field limit: a longer field is an error, not a crash


def inside(path: Path, root: Path | None, problems: list[Problem]) -> bool:
    """False (with a problem) if `path` resolves outside the raw data folder (a symlink out)."""
    if root is None:
        return True
    try:
        target = path.resolve(strict=False)
    except (OSError, RuntimeError) as exc:  # a symlink loop
        problems.append(Problem(path, None, None, f"cannot be resolved ({exc}); expected a plain file"))
        return False
    if target != root and root not in target.parents:
        problems.append(
            Problem(
                path,
                None,
                None,
                f"is a symlink to {target}, outside the raw data folder {root}; copy the file into data/raw instead",
            )
        )
        return False
    return True


def read_bytes(path: Path, limit: int, what: str, problems: list[Problem], root: Path | None = None) -> bytes | None:
    """A file's bytes, or None with a problem (missing, a directory, outside raw, too large)."""
    if not path.exists() and not path.is_symlink():
        problems.append(Problem(path, None, None, "file is missing"))
        return None
    if not inside(path, root, problems):
        return None
    if path.is_dir():
        problems.append(Problem(path, None, None, f"is a directory; expected {what}"))
        return None
    if not path.is_file():
        problems.append(Problem(path, None, None, f"is not a regular file; expected {what}"))
        return None
    try:
        size = path.stat().st_size
        if size > limit:
            problems.append(
                Problem(path, None, None, f"is {size} bytes, more than the limit of {limit}; expected {what}")
            )
            return None
        return path.read_bytes()
    except OSError as exc:
        problems.append(Problem(path, None, None, f"cannot be read ({exc.strerror or exc})"))
        return None


def decode(path: Path, data: bytes, problems: list[Problem]) -> str | None:
    """UTF-8 text (a BOM, as Excel's "CSV UTF-8" writes, is dropped) or None with the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(
            Problem(path, line, None, f"not UTF-8 (byte 0x{data[exc.start]:02x}); save as UTF-8 (in Excel: CSV UTF-8)")
        )
        return None


def read_yaml(
    path: Path,
    problems: list[Problem],
    kind: str | None = None,
    vocab: Vocabulary | None = None,
    root: Path | None = None,
) -> dict:
    """A strictly parsed YAML mapping checked against its schema (metadata_schema.yaml), or {}."""
    data = read_bytes(path, MAX_YAML_BYTES, "a YAML file", problems, root)
    if data is None:
        return {}
    key = ("yaml", kind, hashlib.sha256(data).hexdigest(), id(vocab))
    # the parsed mapping is shared between loads of the same bytes: treat it as read-only
    return _cached(key, path, lambda here, found: parse_metadata(here, data, kind, vocab, found), problems)


def parse_metadata(
    path: Path, data: bytes, kind: str | None, vocab: Vocabulary | None, problems: list[Problem]
) -> dict:
    try:
        text = decode_utf8(data, path)
        parsed = parse_yaml(text, path)
    except YamlFileError as exc:
        problems.append(Problem(path, exc.line, None, exc.message))
        return {}
    if not isinstance(parsed, dict):
        problems.append(
            Problem(
                path,
                getattr(parsed, "line", None),
                None,
                f"{type(parsed).__name__ if parsed is not None else 'an empty file'}: expected a mapping of keys to values",
            )
        )
        return {}
    if kind:
        found = metadata.check(parsed, kind, path, vocab)
        if found:
            problems.extend(found)
            return {}
    return parsed


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_forbund_meta(path: Path, meta: dict, slug: str, vocab: Vocabulary, problems: list[Problem]) -> None:
    """forbund.yaml beyond its schema: slug matches the folder, member names unique."""
    if not meta:
        return
    if meta.get("slug") != slug:
        problems.append(
            Problem(
                path, line_of(meta, "slug"), "slug", f"{meta.get('slug')!r} does not match its folder name {slug!r}"
            )
        )
    seen = set()
    for i, member in enumerate(meta.get("members") or []):
        if member["name"] in seen:
            problems.append(
                Problem(path, line_of(meta["members"], i), f"members[{i}]", f"{member['name']!r} is listed twice")
            )
        seen.add(member["name"])


def check_source_meta(folder: Path, meta: dict, slug: str, problems: list[Problem], root: Path | None = None) -> None:
    """source.yaml beyond its schema: names match the folders, years ordered, sha256 of source.txt."""
    path = folder / "source.yaml"
    if meta["forbund"] != slug:
        problems.append(
            Problem(
                path,
                line_of(meta, "forbund"),
                "forbund",
                f"{meta['forbund']!r} does not match the förbund folder {slug!r}",
            )
        )
    if not DOCUMENT_ID.match(folder.name):
        problems.append(
            Problem(folder, None, None, "document folder is not named <kind>-<year> or <kind>-<yyyy-mm-dd>")
        )
    if meta["document_id"] != folder.name:
        problems.append(
            Problem(
                path,
                line_of(meta, "document_id"),
                "document_id",
                f"{meta['document_id']!r} does not match the folder name {folder.name!r}",
            )
        )
    if folder.name.split("-", 1)[0] != meta["kind"]:
        problems.append(
            Problem(
                path, line_of(meta, "kind"), "kind", f"{meta['kind']!r} does not match the folder name {folder.name!r}"
            )
        )
    if (
        meta["kind"] == "arsredovisning"
        and DOCUMENT_ID.match(folder.name)
        and folder.name != f"arsredovisning-{meta['fiscal_year']}"
    ):
        problems.append(
            Problem(
                path,
                line_of(meta, "fiscal_year"),
                "fiscal_year",
                f"{meta['fiscal_year']!r} does not match the folder name {folder.name!r}",
            )
        )
    years = meta["years"]
    if years[0] > years[1]:
        problems.append(
            Problem(
                path,
                line_of(meta, "years"),
                "years",
                f"{list(years)!r}: expected [first_year, last_year] with first <= last",
            )
        )
    if not years[0] <= meta["fiscal_year"] <= years[1] + 1:
        problems.append(
            Problem(
                path,
                line_of(meta, "fiscal_year"),
                "fiscal_year",
                f"{meta['fiscal_year']!r}: expected a year within years {years[0]}-{years[1]}",
            )
        )
    check_source_kind(folder, meta, problems)
    text = folder / "source.txt"
    data = read_bytes(text, MAX_TEXT_BYTES, "the text the figures were typed from", problems, root)
    if data is None:
        return
    if decode(text, data, problems) is None:
        return
    actual = hashlib.sha256(data).hexdigest()
    if actual != meta.get("sha256"):
        problems.append(
            Problem(path, line_of(meta, "sha256"), "sha256", f"does not match source.txt (actual {actual})")
        )


def check_source_kind(folder: Path, meta: dict, problems: list[Problem]) -> None:
    """The folder's kind matches `kind`; a period is a period word; a web text has its URL and a day."""
    from finsam_analysis.data.periods import is_period, period_problem

    path = folder / "source.yaml"
    match = DOCUMENT_ID.match(folder.name)
    if match and match["kind"] != meta["kind"]:
        problems.append(
            Problem(
                path,
                line_of(meta, "kind"),
                "kind",
                f"{meta['kind']!r} does not match the folder name {folder.name!r} (kind {match['kind']!r})",
            )
        )
    if "period" in meta and not is_period(meta["period"]):
        problems.append(Problem(path, line_of(meta, "period"), "period", period_problem(meta["period"])))
    if meta["kind"] == "webbtext":
        if not meta.get("url"):
            problems.append(
                Problem(
                    path,
                    line_of(meta, "url"),
                    "url",
                    "a web or press text needs the address it was read at (http:// or https://)",
                )
            )
        if not isinstance(meta.get("date"), dt.date):
            problems.append(
                Problem(
                    path,
                    line_of(meta, "date"),
                    "date",
                    f"{meta.get('date')!r}: a web or press text needs its publication date YYYY-MM-DD",
                )
            )


def document_period(source: dict) -> str:
    """The period a document's rows cover unless a row says otherwise (source.yaml `period`)."""
    from finsam_analysis.data.periods import FULL_YEAR, canonical, is_period

    period = source.get("period", FULL_YEAR)
    return canonical(period) if is_period(period) else FULL_YEAR


def value_kind(spec: TableSpec, unit: str) -> str | None:
    """The extra constraint on `value` from the row's unit: count, share or none."""
    if unit == "count":
        return "count"
    if unit == "pct" and spec.pct_is_share:
        return "share"
    return None


def csv_rows(path: Path, text: str, problems: list[Problem]) -> list[list[str]] | None:
    """The rows of a CSV text, or None with the line of the first malformed one."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as exc:
        detail = str(exc)
        if "field larger than field limit" in detail:
            detail = f"a field is longer than {MAX_FIELD} characters (a missing closing quote?)"
        problems.append(Problem(path, reader.line_num or None, None, f"malformed CSV: {detail}"))
        return None
    return rows


_CACHE: dict = {}  # (kind, content hash, ...) -> (result, problems); the same bytes give the same answer
_CACHE_SIZE = 2048
_HERE = Path("<file>")


def _cached(key, path: Path, compute, problems: list[Problem]):
    """compute(placeholder path, problems) once per key; problems re-pointed at `path`.

    Loading is a pure function of a file's bytes (and its document context), and tests and
    notebooks load the same files many times: this keeps every load after the first cheap.
    """
    if key not in _CACHE:
        found: list[Problem] = []
        result = compute(_HERE, found)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[key] = (result, tuple(found))
    result, found = _CACHE[key]
    problems.extend(replace(p, file=path if p.file == _HERE else p.file) for p in found)
    return result.copy() if isinstance(result, pd.DataFrame) else result


def read_table(path: Path, spec: TableSpec, problems: list[Problem], root: Path | None = None) -> pd.DataFrame | None:
    """Parse one CSV into typed columns; structural and number problems go to `problems`."""
    data = read_bytes(path, MAX_CSV_BYTES, f"a CSV file with the header {','.join(spec.column_names)}", problems, root)
    if data is None:
        return None
    digest = hashlib.sha256(data).hexdigest()
    frame = _cached(
        ("table", spec.name, digest), path, lambda here, found: parse_table(here, data, spec, found), problems
    )
    if frame is not None:
        frame.attrs["sha256"] = digest  # the content key of its schema check
    return frame


def parse_table(path: Path, data: bytes, spec: TableSpec, problems: list[Problem]) -> pd.DataFrame | None:
    """The typed frame of one CSV's bytes (None if it cannot be read at all)."""
    text = decode(path, data, problems)
    if text is None:
        return None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        problems.append(Problem(path, line, None, "contains a NUL byte; expected a text CSV saved as UTF-8"))
        return None
    rows = csv_rows(path, text, problems)
    if rows is None:
        return None
    if not rows:
        problems.append(Problem(path, 1, None, f"empty file; expected the header {','.join(spec.column_names)}"))
        return None
    header, body = rows[0], rows[1:]
    missing = [c for c in spec.column_names if c not in header and c not in spec.optional_columns]
    unknown = [c for c in header if c not in spec.column_names]
    repeated = sorted({c for c in header if header.count(c) > 1})
    for name in missing:
        problems.append(Problem(path, 1, name, f"missing column; expected the header {','.join(spec.column_names)}"))
    for name in unknown:
        problems.append(
            Problem(path, 1, name[:60], f"unknown column; expected the header {','.join(spec.column_names)}")
        )
    for name in repeated:
        problems.append(
            Problem(
                path,
                1,
                name,
                f"column appears {header.count(name)} times in the header; expected each once: {','.join(spec.column_names)}",
            )
        )
    if missing or unknown or repeated:
        return None
    if not any(any(cell.strip() for cell in row) for row in body) and not spec.may_be_empty:
        problems.append(
            Problem(path, 2, None, "has a header but no rows; delete the file if the document has no such figures")
        )
        return None
    records = []
    for offset, row in enumerate(body):
        line = offset + 2
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                Problem(path, line, None, f"has {len(row)} fields; expected {len(header)} ({','.join(header)})")
            )
            continue
        for name, cell in zip(header, row):
            bad = CONTROL.search(cell)
            if bad:
                problems.append(
                    Problem(
                        path,
                        line,
                        name,
                        f"contains the invisible control character U+{ord(bad.group()):04X}; expected plain text (retype the cell)",
                    )
                )
        record = dict(zip(header, row))
        record["_line"] = line
        text = record.get("value", "")
        record["_decimals"] = len(text.split(".", 1)[1]) if "." in text and GRAMMAR.fullmatch(text) else 0
        for col in spec.numeric_columns:
            raw = record.get(col.name, "")
            value, error = parse_number(raw, col.grammar)
            if error is None and value is not None and col.name == "value":
                kind = value_kind(spec, record.get("unit", ""))
                error = check_value(value, kind, raw) if kind else None
                if error:
                    unit = record.get("unit")
                    error += f" (unit {unit})"
            if error:
                problems.append(Problem(path, line, col.name, error))
                value = None
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


def validate_table(
    path: Path, frame: pd.DataFrame, spec: TableSpec, vocab: Vocabulary, ctx: DocumentContext, problems: list[Problem]
) -> None:
    """Run the pandera schema; turn each failure into a file:line problem (cached per content)."""
    content = (
        frame.attrs.get("sha256")
        or hashlib.sha256(pd.util.hash_pandas_object(frame.astype(str), index=True).to_numpy().tobytes()).hexdigest()
    )
    context = (
        ctx.first_year,
        ctx.last_year,
        tuple(sorted(ctx.members.items())) if ctx.members is not None else None,
        ctx.interventions,
    )
    unparsed = tuple(sorted((p.line or 0, p.column or "") for p in problems if p.file == path))
    key = ("schema", spec.name, content, tuple(frame.columns), context, id(vocab), unparsed)

    def compute(here, found):
        shifted = [replace(p, file=here) for p in problems if p.file == path]
        check_schema(here, frame, spec, vocab, ctx, shifted)
        found.extend(shifted[len([p for p in problems if p.file == path]) :])

    _cached(key, path, compute, problems)


def check_schema(
    path: Path, frame: pd.DataFrame, spec: TableSpec, vocab: Vocabulary, ctx: DocumentContext, problems: list[Problem]
) -> None:
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


def load_document(
    folder: Path, forbund: Forbund, vocab: Vocabulary, problems: list[Problem], root: Path | None = None
) -> Document:
    source = read_yaml(folder / "source.yaml", problems, "source.yaml", vocab, root)
    if source:
        check_source_meta(folder, source, forbund.slug, problems, root)
    years = source.get("years") if isinstance(source.get("years"), list) else [0, 9999]
    if years[0] > years[1]:
        years = [0, 9999]  # reported by check_source_meta; check the tables' years against nothing
    doc = Document(forbund.slug, folder.name, folder, source)
    unknown = sorted(p.name for p in folder.glob("*.csv") if p.stem not in TABLES)
    for name in unknown:
        problems.append(
            Problem(
                folder / name, None, None, f"unknown table; expected one of {', '.join(f'{t}.csv' for t in TABLES)}"
            )
        )
    known = {"source.yaml", "checks.yaml", *(f"{t}.csv" for t in TABLES)}
    for path in sorted(folder.iterdir()):
        # "checks.yml" or "Financials.CSV" would otherwise be skipped without a word
        if path.suffix.lower() in (".yml", ".yaml") or (path.suffix.lower() == ".csv" and path.suffix != ".csv"):
            if path.name not in known:
                problems.append(
                    Problem(
                        path,
                        None,
                        None,
                        f"not a file the loader reads; expected one of source.yaml, checks.yaml, {', '.join(f'{t}.csv' for t in TABLES)}",
                    )
                )
    parsed: dict[str, pd.DataFrame] = {}
    for name, spec in TABLES.items():
        path = folder / f"{name}.csv"
        if path.exists() or path.is_symlink():
            frame = read_table(path, spec, problems, root)
            if frame is not None:
                parsed[name] = frame
    period = document_period(source)
    for frame in parsed.values():
        if "period" in frame.columns:  # a row's own period, else the document's
            from finsam_analysis.data.periods import canonical

            frame["period"] = [canonical(p) if isinstance(p, str) else period for p in frame["period"]]
    if "interventions" in parsed:
        interventions = tuple(parsed["interventions"]["intervention"])
    elif (folder / "interventions.csv").exists() or (folder / "interventions.csv").is_symlink():
        interventions = None  # unreadable (already reported): do not flag every row that names one
    else:
        interventions = ()
    members = forbund.members if forbund.meta else None  # an unreadable forbund.yaml is reported once
    ctx = DocumentContext(int(years[0]), int(years[1]), members, interventions)
    for name, frame in parsed.items():
        validate_table(folder / f"{name}.csv", frame, TABLES[name], vocab, ctx, problems)
    doc.discrepancies = parsed.pop("known_discrepancies", None)
    doc.tables = parsed
    checks_path = folder / "checks.yaml"
    if checks_path.exists() or checks_path.is_symlink():
        doc.checks = read_yaml(checks_path, problems, "checks.yaml", vocab, root)
    return doc


def load_raw(raw_dir: Path, vocab: Vocabulary | None = None, only: list[str] | None = None) -> list[Forbund]:
    """Every förbund folder under raw_dir (except reference/), validated. Raises CurationError.

    Every check a document declares (checks.yaml) must also bind to real names and rows:
    checks.reconcile proves that before it evaluates anything (data/ never imports checks/).
    """
    vocab = vocab or load_vocabulary()
    problems: list[Problem] = []
    result = []
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise CurationError([Problem(raw_dir, None, None, "raw data folder does not exist")])
    root = raw_dir.resolve()
    for folder in sorted(p for p in raw_dir.iterdir() if p.is_dir() and p.name != "reference"):
        if only and folder.name not in only:
            continue
        if not paths.is_slug(folder.name):
            problems.append(
                Problem(folder, None, None, "folder name is not a förbund slug (lowercase ASCII, digits, '-')")
            )
            continue
        if not inside(folder, root, problems):
            continue
        meta = read_yaml(folder / "forbund.yaml", problems, "forbund.yaml", vocab, root)
        check_forbund_meta(folder / "forbund.yaml", meta, folder.name, vocab, problems)
        forbund = Forbund(folder.name, folder, meta)
        for doc_folder in sorted(p for p in folder.iterdir() if p.is_dir()):
            if inside(doc_folder, root, problems):
                forbund.documents.append(load_document(doc_folder, forbund, vocab, problems, root))
        result.append(forbund)
    if not result and not only and not problems:
        problems.append(
            Problem(
                raw_dir, None, None, "no förbund folders; expected data/raw/<forbund>/forbund.yaml (is --raw right?)"
            )
        )
    if only:
        unknown = sorted(set(only) - {f.slug for f in result})
        for slug in unknown:
            problems.append(Problem(raw_dir / slug, None, None, "no such förbund folder"))
    if problems:
        raise CurationError(problems)
    return result
