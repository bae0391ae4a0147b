"""`finsam new`: a valid, empty document folder for a curator to fill in.

scaffold_document() writes forbund.yaml (only if the förbund is new), source.yaml (sha256 of
the text, dates), source.txt, checks.yaml and known_discrepancies.csv, so that the folder
builds and validates before the first figure is typed. A figure table is created with its
first row (the loader refuses a table with a header and no rows): `table_header(name)` gives
the header line to start it with (`finsam new` prints them). It is a plain function so that
other tools (e.g. an ingest step) can reuse it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import yaml

from finsam_analysis.data.paths import check_slug
from finsam_analysis.data.schema import TABLES

TODO = "ATT FYLLA I"  # a placeholder the curator replaces (the guide lists where)


def _yaml_scalar(value) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True).strip().removesuffix("...").strip()


def _check_document_id(document: str, kind: str) -> tuple[int, dt.date | None]:
    """(fiscal year, date in the id or None); ValueError naming what a document id looks like."""
    from finsam_analysis.data.loader import DOCUMENT_ID, DOCUMENT_KINDS

    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"--kind {kind!r} is not one of {', '.join(DOCUMENT_KINDS)}")
    match = DOCUMENT_ID.match(document)
    if not match or match["kind"] != kind:
        raise ValueError(
            f"document {document!r}: expected {kind}-<year> or {kind}-<yyyy-mm-dd> "
            f"(e.g. {kind}-2024 or {kind}-2024-08-31)"
        )
    date = match["date"]
    if len(date) == 4:
        return int(date), None
    try:
        parsed = dt.date.fromisoformat(date)
    except ValueError:
        raise ValueError(f"document {document!r}: {date} is not a date") from None
    return parsed.year, parsed


# Every samordningsförbund has the two state members (lag 2003:1210, 2 §); the region and the
# kommuner are the curator's to add.
STATE_MEMBERS = ({"name": "Försäkringskassan", "kind": "staten"}, {"name": "Arbetsförmedlingen", "kind": "staten"})


def table_header(name: str) -> str:
    """The header line of a curated table, columns in the contract's order."""
    return ",".join(TABLES[name].column_names)


def _forbund_yaml(forbund: str, meta: dict) -> str:
    members = list(meta.get("members") or STATE_MEMBERS)
    org_nr = meta.get("org_nr")
    lines = [
        f"slug: {forbund}",
        f"name: {_yaml_scalar(meta.get('name') or TODO)}    # as printed, e.g. Samordningsförbundet X",
        (
            f'org_nr: "{org_nr}"    # as printed; quoted'
            if org_nr
            else 'org_nr: null    # as printed, quoted: "222000-1234"'
        ),
        f"county: {_yaml_scalar(meta.get('county') or TODO)}",
        "members:    # canonical names used in every CSV; kind staten | region | kommun (add the region and every kommun)",
    ]
    lines += [f"  - {{name: {_yaml_scalar(m['name'])}, kind: {m['kind']}}}" for m in members]
    return "\n".join(lines) + "\n"


def scaffold_document(raw_dir: Path, forbund: str, document: str, kind: str, source_text: str, **meta) -> Path:
    """Create raw_dir/<forbund>/<document>/ ready for curation; return the document folder.

    meta (all optional): name, org_nr, county, members (for a new forbund.yaml; default the
    two state members, Försäkringskassan and Arbetsförmedlingen); title, date
    (a date, 'YYYY-MM-DD' or 'YYYY-MM'; default the date in the document id), years
    ([first, last]; default [fiscal year, fiscal year]), period (helar or e.g. jan-aug),
    url, published, original_file, curated_by, curated_at (default today).
    Raises FileExistsError if the document folder exists, ValueError on a bad slug, id, kind,
    period or a web text without URL.
    """
    from finsam_analysis.data.periods import is_period, period_problem
    from finsam_analysis.data.vocabulary import load_vocabulary

    check_slug(forbund)
    fiscal_year, id_date = _check_document_id(document, kind)
    raw_dir = Path(raw_dir)
    folder = raw_dir / forbund / document
    if folder.exists():
        raise FileExistsError(f"{folder} exists already; curate it by hand or choose another document id")
    period = meta.get("period")
    if period is not None and not is_period(period):
        raise ValueError(period_problem(period))
    date = meta.get("date") or id_date
    if date is None:
        raise ValueError(
            f"{document}: give the date the document was adopted or published (--date YYYY-MM-DD, or YYYY-MM)"
        )
    if isinstance(date, str):
        date = dt.date.fromisoformat(date) if len(date) == 10 else date
    url = meta.get("url")
    if kind == "webbtext" and not str(url or "").startswith(("http://", "https://")):
        raise ValueError("a web or press text needs its address: --url https://...")
    years = list(meta.get("years") or [fiscal_year, fiscal_year])
    text = source_text if source_text.endswith("\n") else source_text + "\n"
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    title = meta.get("title") or f"{load_vocabulary().label('document_kinds', kind)} {fiscal_year}"

    (raw_dir / forbund).mkdir(parents=True, exist_ok=True)
    forbund_file = raw_dir / forbund / "forbund.yaml"
    if not forbund_file.exists():
        forbund_file.write_text(_forbund_yaml(forbund, meta), encoding="utf-8")
    folder.mkdir()
    (folder / "source.txt").write_text(text, encoding="utf-8")
    source = [
        f"document_id: {document}",
        f"forbund: {forbund}",
        f"kind: {kind}                 # {', '.join(load_vocabulary().words('document_kinds'))}",
        f"fiscal_year: {fiscal_year}",
        f"years: [{years[0]}, {years[1]}]           # first and last year any figure refers to",
        f"title: {_yaml_scalar(title)}",
        f"date: {date}              # adopted/meeting/published, as printed (YYYY-MM if no day)",
    ]
    if period is not None:
        source.append(f"period: {period}             # the part of the year the figures cover (helar = whole year)")
    if meta.get("published"):
        source.append(f"published: {meta['published']}")
    source += [
        f"original_file: {_yaml_scalar(meta.get('original_file') or 'source.txt')}",
        f"sha256: {sha}",
        f"url: {_yaml_scalar(url) if url else 'null'}",
        f"curated_by: {_yaml_scalar(meta.get('curated_by') or 'finsam-analysis developers')}",
        f"curated_at: {meta.get('curated_at') or dt.date.today().isoformat()}",
    ]
    (folder / "source.yaml").write_text("\n".join(source) + "\n", encoding="utf-8")
    (folder / "known_discrepancies.csv").write_text(table_header("known_discrepancies") + "\n", encoding="utf-8")
    (folder / "checks.yaml").write_text(
        "# every sum the document prints, as a check (docs/curation.md, checks.yaml)\nsums: []\n", encoding="utf-8"
    )
    return folder


def missing_tables(folder: Path) -> list[str]:
    """The figure tables a document folder does not have yet."""
    return [name for name in TABLES if name != "known_discrepancies" and not (Path(folder) / f"{name}.csv").exists()]
