"""`finsam propose`: source.txt -> proposed/<table>.csv and proposed/summary.md."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from finsam_analysis.curation.aliases import load_aliases
from finsam_analysis.curation.errors import InputError
from finsam_analysis.curation.insats_cards import card_rows, list_rows
from finsam_analysis.curation.insats_tables import read_insats_tables
from finsam_analysis.curation.insatser import Interventions, load_interventions
from finsam_analysis.curation.keyvalue import read_key_values
from finsam_analysis.curation.member_tables import read_member_tables
from finsam_analysis.curation.proposal import EXTRA_COLUMNS, Proposal
from finsam_analysis.curation.prose import read_prose
from finsam_analysis.curation.tables import read_tables
from finsam_analysis.curation.text import lines_of
from finsam_analysis.data import paths
from finsam_analysis.data.schema import TABLES
from finsam_analysis.data.vocabulary import load_vocabulary

PROPOSED_DIR = "proposed"
PROPOSED_TABLES = ("financials", "member_contributions", "intervention_finance", "participants", "outcomes")
EXPECTED_STATEMENTS = ("overview", "income_statement", "balance_sheet", "cash_flow", "operating_statement", "note")


@dataclass
class Proposals:
    rows: list[Proposal]
    tables_found: list[tuple[str, str, int]] = field(default_factory=list)
    unmatched: list[tuple[str, str, int]] = field(default_factory=list)

    def of(self, table: str) -> list[Proposal]:
        return [p for p in self.rows if p.table == table]


def resolve_folder(target: str, raw: Path | None = None) -> Path:
    """FORBUND/DOCUMENT relative to data/raw, or an absolute/relative path to the folder."""
    raw = raw or paths.RAW_DIR
    for folder in (Path(target), raw / target):
        if (folder / "source.txt").is_file():
            return folder.resolve()
    raise InputError(
        f"{target}: no source.txt there or under {raw} "
        "(expected FORBUND/DOCUMENT, e.g. mittforbund/arsredovisning-2024)"
    )


def members_of(folder: Path) -> dict[str, str]:
    """Canonical member names of the document's förbund (forbund.yaml beside the document)."""
    meta_file = folder.parent / "forbund.yaml"
    if not meta_file.exists():
        return {}
    meta = yaml.safe_load(meta_file.read_text(encoding="utf-8")) or {}
    return {m["name"]: m["kind"] for m in meta.get("members") or [] if isinstance(m, dict) and m.get("name")}


def propose_text(
    text: str,
    members: dict[str, str] | None = None,
    fiscal_year: int | None = None,
    interventions: Interventions | None = None,
) -> Proposals:
    """Every row the text's tables and prose yield (pure: no files).

    fiscal_year dates prose figures that print no year; default: the latest year of the
    income statement or balance sheet found in the text. interventions (the document's
    interventions.csv, when curated) name the insats a prose figure is about."""
    lines = lines_of(text)
    vocabulary = load_vocabulary()
    aliases = load_aliases()
    reader = read_tables(lines, aliases, vocabulary, members)
    if fiscal_year is None:
        years = [
            int(p.row["year"])
            for p in reader.proposals
            if p.row.get("statement") in ("income_statement", "balance_sheet", "overview")
        ]
        fiscal_year = max(years) if years else None
    for proposal in reader.proposals:
        if proposal.row.get("year", 0) is None:
            proposal.row["year"] = fiscal_year  # tables that print no year: the document's year
    reader.proposals = [p for p in reader.proposals if p.row.get("year") is not None]
    sections = reader.sections()
    names = interventions or Interventions()
    rows = (
        reader.proposals
        + insats_rows(lines, sections, names, fiscal_year)
        + read_key_values(lines, sections, aliases, fiscal_year)
        + read_prose(lines, sections, fiscal_year, interventions)
        + read_member_tables(lines, sections, members or {}, fiscal_year)
    )
    return Proposals(rows, reader.tables, reader.unmatched)


def insats_rows(lines, sections, names: Interventions, fiscal_year: int | None) -> list[Proposal]:
    """intervention_finance: per-insats tables, insats cards and lists of insatser with amounts."""
    return (
        read_insats_tables(lines, sections, names)
        + card_rows(lines, sections, names, fiscal_year)
        + list_rows(lines, sections, names, fiscal_year)
    )


def fiscal_year_of(folder: Path) -> int | None:
    meta_file = folder / "source.yaml"
    if not meta_file.exists():
        return None
    year = (yaml.safe_load(meta_file.read_text(encoding="utf-8")) or {}).get("fiscal_year")
    return year if isinstance(year, int) else None


def propose_folder(folder: Path) -> Proposals:
    text = (folder / "source.txt").read_text(encoding="utf-8")
    return propose_text(text, members_of(folder), fiscal_year_of(folder), load_interventions(folder))


def proposed_header(columns: list[str]) -> list[str]:
    """The curated columns, then the review columns; every name once."""
    return list(dict.fromkeys([*columns, *EXTRA_COLUMNS]))


def write_proposals(folder: Path, proposals: Proposals) -> list[Path]:
    """proposed/<table>.csv (curated columns + confidence, as_printed, line) and summary.md."""
    out = folder / PROPOSED_DIR
    out.mkdir(exist_ok=True)
    written = []
    for table in PROPOSED_TABLES:
        path = out / f"{table}.csv"
        rows = proposals.of(table)
        if not rows:
            path.unlink(missing_ok=True)
            continue
        columns = TABLES[table].column_names
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=proposed_header(columns), lineterminator="\n")
            writer.writeheader()
            for proposal in rows:
                writer.writerow(proposal.csv_row(columns))
        written.append(path)
    summary = out / "summary.md"
    summary.write_text(summary_text(folder, proposals), encoding="utf-8")
    written.append(summary)
    return written


def summary_text(folder: Path, proposals: Proposals) -> str:
    lines = [f"# Proposals for {folder.parent.name}/{folder.name}", ""]
    lines.append("Review every row against the document (`finsam propose --diff`), then `finsam accept`.")
    lines += ["", "## Found", "", "| table | statement | rows | low confidence (< 0.8) |", "|---|---|---|---|"]
    counts = Counter((p.table, p.row.get("statement", "")) for p in proposals.rows)
    low = Counter((p.table, p.row.get("statement", "")) for p in proposals.rows if p.confidence < 0.8)
    for (table, statement), n in sorted(counts.items()):
        lines.append(f"| {table} | {statement} | {n} | {low[(table, statement)]} |")
    lines += ["", "## Tables detected", ""]
    lines += [
        f"- line {n}: {statement or '(no statement)'} — {section}" for statement, section, n in proposals.tables_found
    ] or ["- none"]
    found = {s for s, _, _ in proposals.tables_found}
    missing = [s for s in EXPECTED_STATEMENTS if s not in found]
    lines += ["", "## Not found", ""]
    lines += [f"- no {s} table detected" for s in missing] or ["- every statement table was detected"]
    for table in PROPOSED_TABLES:
        if not proposals.of(table):
            lines.append(f"- no {table} rows")
    if proposals.unmatched:
        lines += ["", "## Table rows not proposed (label not in the aliases, or columns unclear)", ""]
        lines += [f"- line {n} ({statement}): {label}" for statement, label, n in proposals.unmatched]
    return "\n".join(lines) + "\n"
