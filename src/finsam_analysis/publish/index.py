"""The index page of the reports folder: every recorded report with its full name, year, date,
one line of key figures and its links; the comparison document and the validation summary.

Also writes validering.html, the reconciliation of every förbund's source documents in Swedish.
Both pages are self-contained (inline CSS, relative links, no script) and deterministic: the
same record, files and data give the same bytes (dates come from the record, not the clock).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from finsam_analysis.data import paths
from finsam_analysis.publish.record import atomic_write_text

INDEX_NAME = "index.html"
VALIDATION_NAME = "validering.html"
COMPARISON_NAME = "jamforelse.html"
# Status words of the index page (the report text is Swedish).
STATUS_SV = {"ok": "ok", "failed": "misslyckad", "unchanged": "oförändrad"}

_INDEX_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .8rem; text-align: left; }
td { vertical-align: top; }
th { background: #f3f3f3; }
.status-ok { color: #1a7f37; }
.status-unchanged { color: #555; }
.status-failed { color: #b42318; font-weight: bold; }
.error { font-family: ui-monospace, monospace; font-size: .85em; white-space: pre-wrap; }
.error { color: #b42318; }
.note { color: #666; font-size: .85em; }
.figures { font-size: .9em; color: #333; }
.num { text-align: right; white-space: nowrap; }
.date { white-space: nowrap; }
nav a { margin-right: 1.5em; }
@media print { nav { display: none; } body { margin: 0; } }
""".strip()


_DATA: dict = {}  # (raw dir, data version) -> (tables, findings): one load per data version and process


def _data():
    """The curated tables and the reconciliation, from data/processed when current (cheap),
    else built from data/raw; cached per data version (the index is written after every run)."""
    from finsam_analysis.data.version import raw_digest

    key = (str(paths.RAW_DIR), raw_digest())
    if key not in _DATA:
        from finsam_analysis.data import build

        if build.is_current():
            tables, findings = build.load_processed(), build.load_findings()
        else:
            from finsam_analysis.checks.reconcile import reconcile

            tables = build.build_tables()
            findings = reconcile(tables)
        _DATA.clear()
        _DATA[key] = (tables, findings)
    return _DATA[key]


def _catalogue(entries: list[Mapping[str, Any]]) -> tuple[dict[str, str], dict[tuple[str, int], str]]:
    """Full names and one line of key figures per (förbund, year), from the data; empty when the
    data cannot be loaded (the index must still be written)."""
    try:
        import pandas as pd

        from finsam_analysis.document import compare, fmt

        tables, _ = _data()
        names = {str(f): str(n) for f, n in zip(tables.forbund["forbund"], tables.forbund["name"])}
        wanted = pd.DataFrame(
            [(str(e["forbund"]), int(e["year"])) for e in entries if str(e["forbund"]) in names],
            columns=["forbund", "year"],
        )
        lines: dict[tuple[str, int], str] = {}
        if len(wanted):
            figures = compare.key_figures(tables, wanted)
            for r in figures.itertuples(index=False):
                parts = []
                if pd.notna(r.contributions_sek):
                    parts.append(f"medlemsbidrag {fmt.mnkr(r.contributions_sek)}")
                if pd.notna(r.net_result_sek):
                    parts.append(f"resultat {fmt.tkr(r.net_result_sek)}")
                if pd.notna(r.equity_sek):
                    cap = (
                        f" ({fmt.percent(r.equity_pct_of_contributions)} av bidragen)"
                        if pd.notna(r.equity_pct_of_contributions)
                        else ""
                    )
                    parts.append(f"eget kapital {fmt.tkr(r.equity_sek)}{cap}")
                if pd.notna(r.active_participants) and r.active_participants >= 5:
                    parts.append(f"{fmt.number(r.active_participants)} aktuella deltagare")
                lines[(r.forbund, int(r.year))] = " · ".join(parts)
        return names, lines
    except Exception:  # noqa: BLE001 - the index lists the reports whatever the data say
        return {}, {}


def _date(entry: Mapping[str, Any]) -> str:
    stamp = str(entry.get("succeeded_at") or "")
    return stamp[:10] if len(stamp) >= 10 else ""


def _index_sort_key(entry: Mapping[str, Any]) -> tuple[int, str]:
    # Newest year first, then förbund alphabetically: stable for identical records.
    return (-int(entry["year"]), str(entry["forbund"]))


def catalogue(record: Mapping[str, Any]) -> dict[str, Any]:
    """What the index shows of the data for the record's reports (full names, key figures), as
    JSON: a run with nothing to do writes the index from it without loading the data."""
    names, figures = _catalogue(sorted(record["reports"].values(), key=_index_sort_key))
    return {"names": names, "figures": [[f, y, line] for (f, y), line in sorted(figures.items())]}


def render_index(record: Mapping[str, Any], out_dir: Path, shown: Mapping[str, Any] | None = None) -> str:
    """A self-contained HTML page (inline CSS, relative links) listing every recorded report.

    Deterministic: the same record, files and data give the same bytes (no clock). shown: the
    `catalogue` of this record and data, if known (else computed from the data).
    """
    from finsam_analysis.document.parameters import variant

    entries = sorted(record["reports"].values(), key=_index_sort_key)
    if shown is None:
        names, figures = _catalogue(entries)
    else:
        names = dict(shown["names"])
        figures = {(str(f), int(y)): str(line) for f, y, line in shown["figures"]}
    rows = []
    for entry in entries:
        forbund, year, status = str(entry["forbund"]), int(entry["year"]), entry["status"]
        params = entry.get("parameters") or {}
        try:
            suffix = variant(params)
        except Exception:  # noqa: BLE001 - an odd record entry is listed, not fatal
            suffix = ""
        html_rel = paths.report_href(forbund, year, variant=suffix)
        failed_rel = paths.report_href(forbund, year, ".failed.ipynb", suffix)
        links = []
        if (out_dir / html_rel).exists():
            label = "rapport" if status != "failed" else "senaste lyckade rapport"
            links.append(f'<a href="{html.escape(html_rel)}">{label}</a>')
            for ext, what in ((".xlsx", "Excel"), ("-tabeller.zip", "CSV")):
                rel = paths.report_href(forbund, year, ext, suffix)
                if (out_dir / rel).exists():
                    links.append(f'<a href="{html.escape(rel)}" class="note">{what}</a>')
        if status == "failed" and (out_dir / failed_rel).exists():
            links.append(f'<a href="{html.escape(failed_rel)}" class="note">misslyckad notebook</a>')
        log_rel = entry.get("log")
        if status == "failed" and log_rel and (out_dir / log_rel).exists():
            links.append(f'<a href="{html.escape(log_rel)}" class="note">logg</a>')
        status_cell = f'<span class="status-{html.escape(status)}">{html.escape(STATUS_SV.get(status, status))}</span>'
        if status == "failed":
            detail = str(entry.get("error") or "")
            if entry.get("failing_cell"):
                detail += f"\n{entry['failing_cell']}"
            status_cell += f'<div class="error">{html.escape(detail)}</div>'
        name = names.get(forbund, forbund)
        if suffix:
            name += (
                " (" + ", ".join(f"{k} = {v}" for k, v in sorted(params.items()) if k not in ("forbund", "year")) + ")"
            )
        rows.append(
            "<tr>"
            f"<td>{html.escape(name)}</td>"
            f"<td>{year}</td>"
            f'<td class="figures">{html.escape(figures.get((forbund, year), ""))}</td>'
            f'<td class="date">{html.escape(_date(entry))}</td>'
            f"<td>{status_cell}</td>"
            f"<td>{' '.join(links) if links else '<span class=note>saknas</span>'}</td>"
            "</tr>"
        )
    for forbund, reason in sorted((record.get("unreportable") or {}).items()):
        # a förbund in data/raw without any reportable year: listed with the reason, never hidden
        rows.append(
            "<tr>"
            f'<td>{html.escape(names.get(forbund, str(forbund)))}</td><td>–</td><td class="figures"></td><td></td>'
            f'<td><span class="status-failed">ingen rapport</span><div class="error">{html.escape(str(reason))}</div></td>'
            "<td><span class=note>saknas</span></td>"
            "</tr>"
        )
    body = "\n".join(rows) if rows else '<tr><td colspan="6">Inga analysdokument ännu.</td></tr>'
    dates = sorted(d for d in (_date(e) for e in entries) if d)
    made = (
        f'<p class="note">Senast uppdaterat {dates[-1]}. Varje dokument anger sitt datum, sin dataversion och sina parametrar.</p>'
        if dates
        else ""
    )
    nav = []
    if (out_dir / COMPARISON_NAME).exists():
        nav.append(f'<a href="{COMPARISON_NAME}">Jämförelse mellan förbunden</a>')
    if (out_dir / VALIDATION_NAME).exists():
        nav.append(f'<a href="{VALIDATION_NAME}">Avstämning av källdokumenten</a>')
    return f"""<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Analysdokument</title>
<style>
{_INDEX_CSS}
</style>
</head>
<body>
<h1>Analysdokument för samordningsförbunden</h1>
<p>En analys per förbund och år, gjord ur förbundens årsredovisningar och styrelseprotokoll. Nyckeltalen nedan gäller dokumentets år; belopp i miljoner (mnkr) eller tusentals kronor (tkr).</p>
{made}
<nav>{" ".join(nav)}</nav>
<table>
<thead><tr><th>Förbund</th><th>År</th><th>Nyckeltal</th><th>Skapad</th><th>Status</th><th>Länk</th></tr></thead>
<tbody>
{body}
</tbody>
</table>
</body>
</html>
"""


def render_validation(tables: Any | None = None) -> str:
    """validering.html: the reconciliation per förbund and source document, in Swedish."""
    from finsam_analysis.document import compare

    findings = None
    if tables is None:
        tables, findings = _data()
    table = compare.quality_table(tables, findings)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ["Förbund", *table.columns])
    rows = "\n".join(
        "<tr>" + f"<td>{html.escape(str(i))}</td>" + "".join(f'<td class="num">{int(v)}</td>' for v in r) + "</tr>"
        for i, r in zip(table.index, table.to_numpy())
    )
    return f"""<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Avstämning av källdokumenten</title>
<style>
{_INDEX_CSS}
</style>
</head>
<body>
<h1>Avstämning av källdokumenten</h1>
<p>Varje summa, identitet och upprepad uppgift i förbundens dokument räknas om. En skillnad godtas bara
inom avrundning eller om den är registrerad med en förklaring: ett fel i källdokumentet, en skillnad i
definition, en skillnad mellan plan (budget, prognos) och utfall eller en avrundning. Förklaringarna står i varje förbunds analysdokument, under Datakvalitet.</p>
<p><a href="{INDEX_NAME}">Tillbaka till alla analysdokument</a></p>
<table>
<thead><tr>{head}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""


def write_index(
    record: Mapping[str, Any], out_dir: Path, run_token: str = "w", shown: Mapping[str, Any] | None = None
) -> Path:
    """index.html, and validering.html unless `shown` is given: then the data are those the
    catalogue was made from, and validering.html (which shows only the data) is as it was."""
    if shown is None:
        try:
            atomic_write_text(out_dir / VALIDATION_NAME, render_validation(), run_token)
        except Exception:  # noqa: BLE001 - data that cannot be loaded: the index still lists the reports
            pass
    path = out_dir / INDEX_NAME
    atomic_write_text(path, render_index(record, out_dir, shown), run_token)
    return path
