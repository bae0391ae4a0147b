"""Build data/processed from data/raw: load, validate, convert units, write atomically."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from finsam_analysis.data import paths
from finsam_analysis.data.errors import CurationError, Problem
from finsam_analysis.data.lock import DEFAULT_WAIT, output_lock
from finsam_analysis.data.manifest import FINDINGS_FILE as FINDINGS_FILE
from finsam_analysis.data.manifest import MANIFEST as MANIFEST
from finsam_analysis.data.manifest import built_from as built_from
from finsam_analysis.data.manifest import is_current as is_current
from finsam_analysis.data.manifest import verify_manifest, write_manifest
from finsam_analysis.data.version import raw_digest
from finsam_analysis.data.vocabulary import load_vocabulary

if TYPE_CHECKING:
    from finsam_analysis.data.loader import Forbund

# Reading processed tables (a report kernel's path) must not import the loader and schema:
# pandera alone costs a third of a second per kernel. They are imported where tables are built.

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
    from finsam_analysis.data.schema import TABLES

    spec = TABLES[name]
    columns = ["forbund", "document", "line", *spec.column_names]
    if "unit" in spec.column_names:
        columns.append("value_sek")
    dtypes = {c.name: {"int": "int64", "float": "float64", "str": object}[c.kind] for c in spec.columns}
    dtypes["value_sek"] = "float64"
    dtypes["line"] = "int64"
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in columns})


def combine(forbunds: list[Forbund], name: str) -> pd.DataFrame:
    """One processed table over all documents, in a stable order."""
    parts = []
    for forbund in forbunds:
        for doc in forbund.documents:
            frame = doc.tables.get(name)
            if frame is None or frame.empty:
                continue
            frame = frame.drop(columns=["_decimals"]).rename(columns={"_line": "line"})
            frame.insert(0, "line", frame.pop("line").astype("int64"))
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
    from finsam_analysis.data.loader import document_period

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
        [
            {
                "forbund": f.slug,
                "name": f.meta.get("name"),
                "org_nr": str(f.meta.get("org_nr")),
                "county": f.meta.get("county"),
            }
            for f in forbunds
        ]
    )
    members = pd.DataFrame(
        [
            {"forbund": f.slug, "member": name, "member_kind": kind}
            for f in forbunds
            for name, kind in f.members.items()
        ],
        columns=["forbund", "member", "member_kind"],
    )
    return sources, forbund, members


_REFERENCE_CHECKED: dict = {}
_REFERENCE_CHECKED_AT: dict = {}


def check_reference_folder(raw_dir: Path) -> None:
    """The reference tables (KPI, prisbasbelopp, equity bands) under raw_dir/reference, if any,
    through the same strict grammar; CurationError on any problem."""
    from finsam_analysis.data.reference import check_reference

    folder = raw_dir / "reference"
    if not (folder.exists() or folder.is_symlink()):
        return
    if not folder.is_dir() or not folder.resolve().is_relative_to(raw_dir.resolve()):
        raise CurationError([Problem(folder, None, None, "expected a folder inside the raw data folder")])
    contents = tuple(
        (p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in sorted(folder.iterdir()) if p.is_file()
    )
    if contents not in _REFERENCE_CHECKED:
        _REFERENCE_CHECKED[contents] = check_reference(folder)  # the same bytes give the same answer
    messages = [
        m.replace(str(_REFERENCE_CHECKED_AT.setdefault(contents, folder)), str(folder))
        for m in _REFERENCE_CHECKED[contents]
    ]
    if messages:
        raise CurationError(
            [
                Problem(Path(m.split(": ", 1)[0]), None, None, m.split(": ", 1)[1])
                if ": " in m
                else Problem(folder, None, None, m)
                for m in messages
            ]
        )


def build_tables(raw_dir: Path | None = None, only: list[str] | None = None) -> Tables:
    """Load and validate every raw folder; return the processed tables in memory (the checks
    bind and run in checks.reconcile, which sits above data/)."""
    from finsam_analysis.data.loader import DATA_TABLES, load_raw
    from finsam_analysis.data.schema import TABLES, processed_schema

    raw_dir = Path(raw_dir or paths.RAW_DIR)
    problems: list[Problem] = []
    try:
        check_reference_folder(raw_dir)
    except CurationError as exc:
        problems.extend(exc.problems)
    try:
        forbunds = load_raw(raw_dir, only=only)
    except CurationError as exc:
        problems.extend(exc.problems)
    if problems:
        raise CurationError(problems)
    data = {name: combine(forbunds, name) for name in DATA_TABLES}
    for name, frame in data.items():
        processed_schema(TABLES[name]).validate(frame)
    sources, forbund, members = metadata_frames(forbunds)
    return Tables(**data, sources=sources, forbund=forbund, members=members, raw=forbunds)


TABLE_FILES = [f.name for f in fields(Tables) if f.name != "raw"]


STAGING_PREFIX = ".processed-"
PROCESSED_NOTE = (
    "Generated by `finsam build` from data/raw. Do not edit by hand: edit data/raw and rebuild.\n"
    "manifest.json holds the sha256 of every file; loading verifies it.\n"
)


def _rename_exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where the
    platform or file system cannot."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    """Make `staging` the new out_dir so that out_dir is never absent, not even briefly: a
    rename when there is none yet, else one atomic exchange of the two directories (the old
    one ends up under the staging name and is removed)."""
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    if _rename_exchange(staging, out_dir):
        shutil.rmtree(staging, ignore_errors=True)
        return
    # No atomic exchange here (not Linux, or a file system without it): the old two steps,
    # during which out_dir is briefly absent.
    log.debug("no atomic directory exchange on this platform; %s is briefly absent", out_dir)
    previous = out_dir.with_name(out_dir.name + ".old")
    if previous.exists():
        shutil.rmtree(previous)
    os.replace(out_dir, previous)
    os.replace(staging, out_dir)
    shutil.rmtree(previous, ignore_errors=True)


def sweep_staging(parent: Path) -> None:
    """Remove staging folders a crashed build left behind. Only under the build lock."""
    for leftover in parent.glob(STAGING_PREFIX + "*"):
        if leftover.is_dir() and not leftover.is_symlink():
            log.info("removing %s, left behind by an interrupted build", leftover)
            shutil.rmtree(leftover, ignore_errors=True)


def write_processed(
    tables: Tables,
    out_dir: Path | None = None,
    raw_dir: Path | None = None,
    findings: pd.DataFrame | None = None,
    wait: float = DEFAULT_WAIT,
    complete: bool = True,
) -> Path:
    """Write every table as CSV into out_dir, atomically: all files or none replace the old ones.

    findings (the reconciliation of these tables, checks.reconcile) are written too, so that a
    report kernel reads its förbund's checks instead of re-running them; the manifest records
    the version of raw_dir the tables were built from (data.version), so readers can tell
    whether data/processed is older than data/raw.

    One build at a time (a lock beside out_dir; a second build waits up to `wait` seconds), and
    out_dir exists throughout: the new tables are written to a staging folder that is then
    exchanged with the old one in one step. complete: the tables hold every förbund of raw_dir
    (not a `--forbund` build); only a complete build is current for readers (data.manifest).
    """
    out_dir = Path(out_dir or paths.PROCESSED_DIR)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with output_lock(out_dir, "finsam build", wait=wait):
        sweep_staging(out_dir.parent)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir.parent))
        try:
            for name in TABLE_FILES:
                tables.table(name).to_csv(staging / f"{name}.csv", index=False, lineterminator="\n")
            if findings is not None:
                findings.to_csv(staging / FINDINGS_FILE, index=False, lineterminator="\n")
            (staging / "README.md").write_text(PROCESSED_NOTE, encoding="utf-8")
            built = [str(f) for f in tables.forbund["forbund"]] if "forbund" in tables.forbund else []
            write_manifest(staging, raw_digest(raw_dir), built, complete)
            _refuse_personnummer(staging, raw_dir, out_dir)
            os.chmod(staging, 0o777 & ~_UMASK)  # mkdtemp's 0o700 -> a folder like any other
            _swap_into_place(staging, out_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return out_dir


def _refuse_personnummer(staging: Path, raw_dir: Path | None, out_dir: Path) -> None:
    """No personnummer reaches data/processed: the raw folder (where the curator can fix it,
    file and line) and the staged tables are scanned before the swap; hits are shown masked."""
    from finsam_analysis.data.personnummer import scan_for_personnummer

    problems = []
    if raw_dir is not None and Path(raw_dir).is_dir():
        for hit in scan_for_personnummer(raw_dir).itertuples(index=False):
            message = f"looks like a personnummer ({hit.masked}); never curate personal data"
            problems.append(Problem(Path(raw_dir) / hit.path, hit.line, None, message))
    if not problems:
        for hit in scan_for_personnummer(staging).itertuples(index=False):
            message = f"would hold a personnummer ({hit.masked}); find it in data/raw and remove it"
            problems.append(Problem(out_dir / hit.path, hit.line, None, message))
    if problems:
        raise CurationError(problems)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()  # read once: os.umask can only be read by setting it (not thread-safe)


def load_processed(processed_dir: Path | None = None, only: list[str] | None = None) -> Tables:
    """The processed tables from disk, verified against the manifest (CurationError on a hand
    edit), optionally only some förbund's rows; built in memory from data/raw if none were
    written yet."""
    processed_dir = Path(processed_dir or paths.PROCESSED_DIR)
    if not (processed_dir / "financials.csv").exists():
        log.warning("%s has no processed tables; building from data/raw in memory", processed_dir)
        return build_tables(only=only)
    problems = verify_manifest(processed_dir)
    if problems:
        raise CurationError(problems)
    frames = {name: _read_processed(processed_dir / f"{name}.csv", only) for name in TABLE_FILES}
    return Tables(**frames)


# Text columns of the processed tables (data/schema.py's str columns; a test keeps them in step).
# pandas reads an empty or all-empty column as float64: a merge of a förbund's empty table with
# another's would then fail on str vs float keys.
TEXT_COLUMNS = (
    "forbund",
    "document",
    "statement",
    "basis",
    "item",
    "unit",
    "section",
    "page",
    "note",
    "period",
    "approx",
    "printed",
    "member",
    "member_kind",
    "intervention",
    "kind",
    "kommun",
    "parent",
    "description",
    "group",
    "measure",
    "gender",
    "outcome",
    "base",
    "indicator",
)


def _read_processed(path: Path, only: list[str] | None) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype={"page": str, "org_nr": str})
    for column in TEXT_COLUMNS:
        if column in frame and frame[column].dtype != object:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    if only is not None and "forbund" in frame:
        frame = frame[frame["forbund"].isin(only)].reset_index(drop=True)
    return frame


def load_findings(processed_dir: Path | None = None, only: list[str] | None = None) -> pd.DataFrame:
    """The reconciliation results written beside the processed tables (see write_processed)."""
    path = Path(processed_dir or paths.PROCESSED_DIR) / FINDINGS_FILE
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in ("expected", "actual", "difference", "tolerance"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column].replace("", None), errors="coerce").astype("float64")
    if only is not None:
        frame = frame[frame["forbund"].isin(only)].reset_index(drop=True)
    return frame
