"""Downloads of an analysis document: its tables as CSV files (one zip) and one .xlsx workbook.

The files hold exactly the tables the document shows (the same section functions make both),
with Swedish headers, and numbers as numbers: a cell "246 185 kr" becomes 246185, "21,2 %"
becomes 0.212 formatted as a percentage; "≈ 258" becomes 258 (with the mark kept in a note
column-free way: the workbook's Förklaringar sheet says what ≈, ca, ×, – and .. mean). Masked
cells stay "×": a masked count never reaches a file. Every section is one sheet; the sources
and the provenance are the last sheet.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from finsam_analysis.document import suppression

NUMBER = re.compile(
    r"^(?P<mark>≈ |ca )?(?P<num>[+−-]?\d{1,3}(?:[\u00a0 ]\d{3})*(?:,\d+)?)(?:[\u00a0 ](?P<unit>kr|tkr|mnkr|%|procentenhet(?:er)?|person(?:er)?))?$"
)
SCALE = {"tkr": 1000.0, "mnkr": 1e6}
XLSX_SUFFIX = ".xlsx"
CSV_SUFFIX = "-tabeller.zip"


def parse_cell(text: object) -> object:
    """A displayed cell as a number if it is one ('18 022 tkr' -> 18022000.0; '21,2 %' -> 0.212);
    anything else (×, –, .., names) as its text."""
    if not isinstance(text, str):
        return text
    m = NUMBER.match(text.strip())
    if not m:
        return text
    value = float(m.group("num").replace("\u00a0", "").replace(" ", "").replace("−", "-").replace(",", "."))
    unit = m.group("unit")
    if unit == "%":
        return value / 100.0
    return value * SCALE.get(unit, 1.0)


def numeric(df: pd.DataFrame) -> pd.DataFrame:
    """A display table with its index as the first column and every number parsed."""
    out = df.reset_index()
    out.columns = [str(c) for c in out.columns]
    return out.map(parse_cell)


def _sheet_name(text: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", text)[:31].strip() or "Tabell"
    base, n = name, 2
    while name in used:
        name = f"{base[:28]} {n}"
        n += 1
    used.add(name)
    return name


def _about(ctx) -> pd.DataFrame:
    sources = ctx.tables.sources
    rows = [
        ("Förbund", ctx.name),
        ("År", ctx.year),
        ("Dataversion", ctx.data_version),
        ("Röjandegräns", ctx.threshold),
        ("Basår för fasta priser", ctx.base_year),
        ("×", suppression.legend(ctx.threshold)),
        ("≈", "beräknat av oss ur tryckta andelar"),
        ("ca", "ungefärligt i källan"),
    ]
    for r in sources.sort_values("document").itertuples(index=False) if len(sources) else []:
        rows.append(("Källa", f"{r.title} ({r.date}), {r.original_file}, SHA-256 {r.sha256}"))
    return pd.DataFrame(rows, columns=["Uppgift", "Värde"])


Parsed = list[tuple[str, list[tuple[pd.DataFrame, pd.DataFrame]]]]


def parsed_tables(tables: list[tuple[str, list[pd.DataFrame]]]) -> Parsed:
    """(head, [(displayed text with its index as a column, numeric(table))]) per section: every
    table's text is read and parsed once, for the workbook and the CSVs alike."""
    return [(head, [(frame.reset_index(), numeric(frame)) for frame in frames]) for head, frames in tables]


def workbook_bytes(ctx, tables: list[tuple[str, list[pd.DataFrame]]], parsed: Parsed | None = None) -> bytes:
    """One .xlsx: a sheet per section (its tables one under the other), then Källor."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for head, frames in parsed if parsed is not None else parsed_tables(tables):
            sheet = _sheet_name(head, used)
            row = 0
            for shown, data in frames:
                text = shown.to_numpy()
                data.to_excel(writer, sheet_name=sheet, startrow=row, index=False)
                ws = writer.sheets[sheet]
                for col_cells in ws.iter_cols(min_row=row + 2, max_row=row + 1 + len(data)):
                    for cell in col_cells:
                        if isinstance(cell.value, float):
                            original = text[cell.row - row - 2, cell.column - 1]
                            cell.number_format = (
                                "0.0%"
                                if str(original).endswith("%")
                                else ("# ##0" if cell.value == round(cell.value) else "# ##0.00")
                            )
                row += len(data) + 2
            for col in writer.sheets[sheet].columns:
                width = max(len(str(c.value or "")) for c in col)
                writer.sheets[sheet].column_dimensions[col[0].column_letter].width = min(max(10, width + 2), 60)
        _about(ctx).to_excel(writer, sheet_name=_sheet_name("Källor och förklaringar", used), index=False)
    return buffer.getvalue()


def csv_zip_bytes(ctx, tables: list[tuple[str, list[pd.DataFrame]]], parsed: Parsed | None = None) -> bytes:
    """Every table as a CSV (semicolon, decimal comma, UTF-8 with BOM: what Swedish Excel opens)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        n = 0
        for head, frames in parsed if parsed is not None else parsed_tables(tables):
            for k, (_shown, data) in enumerate(frames, 1):
                n += 1
                slug = re.sub(r"[^a-z0-9]+", "-", head.lower().translate(str.maketrans("åäöé", "aaoe"))).strip("-")
                text = data.to_csv(sep=";", decimal=",", index=False)
                info = zipfile.ZipInfo(
                    f"{n:02d}-{slug}{'-' + str(k) if len(frames) > 1 else ''}.csv", date_time=(2000, 1, 1, 0, 0, 0)
                )
                z.writestr(info, "\ufeff" + text)
        z.writestr(
            zipfile.ZipInfo("kallor.csv", date_time=(2000, 1, 1, 0, 0, 0)),
            "\ufeff" + _about(ctx).to_csv(sep=";", index=False),
        )
    return buffer.getvalue()


def basename(ctx) -> str:
    from finsam_analysis.document.parameters import variant

    return ctx.forbund + variant(ctx.parameters)


def links(ctx) -> str:
    """The document's line of download links (relative: the files lie beside the HTML)."""
    name = basename(ctx)
    return (
        f'<span class="downloads">Ladda ner tabellerna: <a href="{name}{XLSX_SUFFIX}">Excel (.xlsx)</a> · '
        f'<a href="{name}{CSV_SUFFIX}">CSV (zip)</a></span>'
    )


def publish(ctx, tables: list[tuple[str, list[pd.DataFrame]]]) -> list[Path]:
    """Write the workbook and the CSV zip to the paths the report runner names in the
    environment (FINSAM_DOWNLOAD_XLSX, FINSAM_DOWNLOAD_ZIP: its temp files, renamed into place
    with the HTML); nothing when they are not set (an analyst running the template by hand)."""
    import os

    targets = {"FINSAM_DOWNLOAD_XLSX": workbook_bytes, "FINSAM_DOWNLOAD_ZIP": csv_zip_bytes}
    if not any(os.environ.get(v) for v in targets):
        return []
    written = []
    parsed = parsed_tables(tables)
    for variable, make in targets.items():
        if os.environ.get(variable):
            path = Path(os.environ[variable])
            path.write_bytes(make(ctx, tables, parsed))
            written.append(path)
    return written
