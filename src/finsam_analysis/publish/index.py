"""The index page of the reports folder: every recorded report with its status and link."""
from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from finsam_analysis.data import paths
from finsam_analysis.publish.record import atomic_write_text

INDEX_NAME = "index.html"
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
""".strip()


def _index_sort_key(entry: Mapping[str, Any]) -> tuple[int, str]:
    # Newest year first, then förbund alphabetically: stable for identical records.
    return (-int(entry["year"]), str(entry["forbund"]))


def render_index(record: Mapping[str, Any], out_dir: Path) -> str:
    """A self-contained HTML page (inline CSS, relative links) listing every recorded report.

    Deterministic: the same record and the same files give the same bytes (no timestamps).
    """
    rows = []
    for entry in sorted(record["reports"].values(), key=_index_sort_key):
        forbund, year, status = str(entry["forbund"]), int(entry["year"]), entry["status"]
        html_rel = paths.report_href(forbund, year)
        failed_rel = paths.report_href(forbund, year, ".failed.ipynb")
        links = []
        if (out_dir / html_rel).exists():
            label = "rapport" if status != "failed" else "senaste lyckade rapport"
            links.append(f'<a href="{html.escape(html_rel)}">{label}</a>')
        if status == "failed" and (out_dir / failed_rel).exists():
            links.append(
                f'<a href="{html.escape(failed_rel)}" class="note">misslyckad notebook</a>'
            )
        log_rel = entry.get("log")
        if status == "failed" and log_rel and (out_dir / log_rel).exists():
            links.append(f'<a href="{html.escape(log_rel)}" class="note">logg</a>')
        status_cell = (
            f'<span class="status-{html.escape(status)}">'
            f"{html.escape(STATUS_SV.get(status, status))}</span>"
        )
        if status == "failed":
            detail = str(entry.get("error") or "")
            if entry.get("failing_cell"):
                detail += f"\n{entry['failing_cell']}"
            status_cell += f'<div class="error">{html.escape(detail)}</div>'
        rows.append(
            "<tr>"
            f"<td>{html.escape(forbund)}</td>"
            f"<td>{year}</td>"
            f"<td>{status_cell}</td>"
            f"<td>{' '.join(links) if links else '<span class=note>saknas</span>'}</td>"
            "</tr>"
        )
    for forbund, reason in sorted((record.get("unreportable") or {}).items()):
        # a förbund in data/raw without any reportable year: listed with the reason, never hidden
        rows.append(
            "<tr>"
            f"<td>{html.escape(str(forbund))}</td><td>–</td>"
            f'<td><span class="status-failed">ingen rapport</span><div class="error">{html.escape(str(reason))}</div></td>'
            "<td><span class=note>saknas</span></td>"
            "</tr>"
        )
    body = "\n".join(rows) if rows else '<tr><td colspan="4">Inga analysdokument ännu.</td></tr>'
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
<h1>Analysdokument</h1>
<table>
<thead><tr><th>Förbund</th><th>År</th><th>Status</th><th>Länk</th></tr></thead>
<tbody>
{body}
</tbody>
</table>
</body>
</html>
"""


def write_index(record: Mapping[str, Any], out_dir: Path, run_token: str = "w") -> Path:
    path = out_dir / INDEX_NAME
    atomic_write_text(path, render_index(record, out_dir), run_token)
    return path
