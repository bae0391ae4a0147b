"""`finsam ingest`: a report's PDF or text -> the folder a curator starts from.

Writes data/raw/<forbund>/<document>/ with source.txt (the extracted text, pages separated by
form feeds), source.yaml (provenance: the sha256 of the original file and of source.txt, and
what could be read from the text: years, title, date), checks.yaml, and a forbund.yaml
skeleton when the förbund is new. No empty CSVs (the loader rejects a header without rows):
`finsam accept` writes each table with the header of data/schema.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import yaml

from finsam_analysis.curation.errors import InputError
from finsam_analysis.curation.extract import pdf_text
from finsam_analysis.data.loader import DOCUMENT_ID, DOCUMENT_KINDS
from finsam_analysis.data.paths import is_slug
from finsam_analysis.data.schema import TABLES

ADOPTED = re.compile(
    r"(?:beslut\w*|fastställ\w*|bestämdes|antag\w*|godkän\w*|underskrift\w*|daterad)[^\n]{0,60}?(\d{4}-\d{2}-\d{2})",
    re.I,
)
ANY_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})-(0[1-9]|1[0-2])-([0-2]\d|3[01])(?!\d)")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_source(path: Path) -> str:
    """The text of a .pdf (extracted) or .txt (as is, UTF-8)."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return pdf_text(path)
    if suffix == ".txt":
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text ({exc}); convert it first (iconv -f latin1 -t utf-8)") from exc
        if not text.strip():
            raise InputError(f"{path}: the text file is empty")
        return text if text.endswith("\n") else text + "\n"
    raise InputError(f"{path}: expected a .pdf or a .txt file, not {suffix or 'a file without extension'}")


def check_names(forbund: str, document: str, kind: str | None) -> str:
    if not is_slug(forbund):
        raise InputError(
            f"--forbund {forbund!r}: expected a slug of lowercase ASCII letters, digits and '-' (e.g. mittforbund)"
        )
    if not DOCUMENT_ID.match(document):
        raise InputError(
            f"--document {document!r}: expected <kind>-<year> or <kind>-<yyyy-mm-dd>, "
            f"kind one of {', '.join(DOCUMENT_KINDS)} (e.g. arsredovisning-2024)"
        )
    prefix = document.split("-", 1)[0]
    if kind is not None and kind != prefix:
        raise InputError(f"--kind {kind!r} does not match the document id {document!r} (kind {prefix!r})")
    return prefix


def adoption_date(text: str, document: str) -> str | None:
    if re.search(r"\d{4}-\d{2}-\d{2}$", document):
        return document[-10:]
    match = ADOPTED.search(text)
    if match and ANY_DATE.fullmatch(match.group(1)):
        return match.group(1)
    return None


def title_of(text: str, kind: str, fiscal_year: int) -> str:
    for line in text.splitlines():
        line = re.sub(r"\s+", " ", line).strip()
        if 4 <= len(line) <= 80 and re.search(r"[A-Za-zÅÄÖåäö]{3}", line):
            return line
    return f"{kind.capitalize()} {fiscal_year}"


def years_of(text: str, fiscal_year: int) -> list[int]:
    """First and last year that the text's tables (or, failing that, the fiscal year) cover."""
    from finsam_analysis.curation.propose import propose_text

    years = {int(p.row["year"]) for p in propose_text(text).rows if str(p.row.get("year", "")).isdigit()}
    years = {y for y in years if fiscal_year - 15 <= y <= fiscal_year + 5} | {fiscal_year}
    return [min(years), max(years)]


def ingest(
    source: Path,
    raw: Path,
    forbund: str,
    document: str,
    kind: str | None = None,
    force: bool = False,
    curated_by: str = "finsam-analysis developers",
    today: dt.date | None = None,
) -> Path:
    """Create the curation folder of one document; returns it. Raises CurationError."""
    kind = check_names(forbund, document, kind)
    text = read_source(source)
    folder = raw / forbund / document
    if folder.exists() and any(folder.iterdir()) and not force:
        raise InputError(
            f"{folder}: already exists; pass --force to replace its source.txt and source.yaml (curated CSVs are kept)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source.txt").write_text(text, encoding="utf-8")
    fiscal_year = int(document.split("-")[1])
    if kind == "protokoll":
        fiscal_year = int(document.split("-")[1])
    date = adoption_date(text, document)
    meta = {
        "document_id": document,
        "forbund": forbund,
        "kind": kind,
        "fiscal_year": fiscal_year,
        "years": years_of(text, fiscal_year),
        "title": title_of(text, kind, fiscal_year),
        "date": dt.date.fromisoformat(date) if date else None,
        "original_file": source.name,
        "original_sha256": sha256_bytes(source.read_bytes()),
        "sha256": sha256_bytes((folder / "source.txt").read_bytes()),
        "url": None,
        "curated_by": curated_by,
        "curated_at": today or dt.date.today(),
    }
    header = "# Written by `finsam ingest`; check title, date (as printed) and years before curating.\n"
    if date is None:
        header += "# date: no date of adoption found in the text; type it as printed (YYYY-MM-DD or YYYY-MM).\n"
    (folder / "source.yaml").write_text(
        header + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    # data tables are created by `finsam accept` with their first row: a CSV with a header and
    # no rows is refused by the loader (it would check nothing); the register may stay empty
    path = folder / "known_discrepancies.csv"
    if not path.exists():
        path.write_text(",".join(TABLES["known_discrepancies"].column_names) + "\n", encoding="utf-8")
    checks = folder / "checks.yaml"
    if not checks.exists():
        checks.write_text(
            "# every sum the document prints, as a check (docs/curation.md)\nsums: []\n", encoding="utf-8"
        )
    forbund_file = raw / forbund / "forbund.yaml"
    if not forbund_file.exists():
        skeleton = {"slug": forbund, "name": None, "org_nr": None, "county": None, "members": []}
        forbund_file.write_text(
            "# Written by `finsam ingest`: fill in name, org_nr (quoted), county and the members\n"
            "# ({name: ..., kind: staten|region|kommun}) before accepting member contributions.\n"
            + yaml.safe_dump(skeleton, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
    return folder
