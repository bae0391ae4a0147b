"""A generated PDF with real Swedish tables goes ingest -> propose -> accept -> load -> tick and tie."""

from __future__ import annotations

import csv
import textwrap

import pytest
import yaml

from finsam_analysis import cli
from finsam_analysis.checks.reconcile import FAILING, reconcile
from finsam_analysis.checks.tickandtie import document_text, untied_rows
from finsam_analysis.curation.extract import pdf_text
from finsam_analysis.data.build import build_tables
from finsam_analysis.data.loader import load_raw, sha256_of

fpdf = pytest.importorskip("fpdf")

RR = [  # label, Not, 2024, 2023 (kr with öre; costs printed with a minus sign)
    ("Verksamhetens intäkter", "1", "1 250 000,00", "1 180 000,00"),
    ("Verksamhetens kostnader", "2", "-1 236 450,25", "-1 201 310,40"),
    ("Verksamhetens nettokostnad", "", "13 549,75", "-21 310,40"),
    ("Finansiella intäkter", "", "2 350,10", "1 120,00"),
    ("Finansiella kostnader", "", "-899,85", "-1 009,60"),
    ("Resultat efter finansiella poster", "", "15 000,00", "-21 200,00"),
    ("Årets resultat", "", "15 000,00", "-21 200,00"),
]
OVERVIEW = [  # tkr; costs printed without sign
    ("Verksamhetens intäkter", "1 250", "1 180", "1 305"),
    ("Verksamhetens kostnader", "1 236", "1 201", "1 290"),
    ("Årets resultat", "15", "-21", "15"),
    ("Soliditet", "41 %", "38 %", "40 %"),
]
MEMBERS = [
    ("Försäkringskassan", "312 500,00"),
    ("Arbetsförmedlingen", "312 500,00"),
    ("Region Provland", "312 500,00"),
    ("Provby kommun", "312 500,00"),
]


def make_pdf(path) -> None:
    pdf = fpdf.FPDF()
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    pdf.cell(0, 8, "Årsredovisning 2024 för Provförbundet", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, "Beslutad av styrelsen 2025-02-20", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, "1.1 Översikt över verksamhetens utveckling", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, "Belopp i tkr", new_x="LMARGIN", new_y="NEXT")
    for label, *cells in [("", "2024", "2023", "2022"), *OVERVIEW]:
        pdf.cell(70, 6, label)
        for c in cells:
            pdf.cell(30, 6, c, align="R")
        pdf.ln(6)
    pdf.multi_cell(
        0,
        6,
        "Under året deltog 183 personer, varav 97 kvinnor och 86 män. 127 deltagare avslutades "
        "och 40 procent gick till arbete eller studier.",
    )
    pdf.add_page()
    pdf.cell(0, 8, "2. Resultaträkning", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, "Belopp i kr", new_x="LMARGIN", new_y="NEXT")
    for label, note, a, b in [("", "Not", "2024", "2023"), *RR]:
        pdf.cell(80, 6, label)
        pdf.cell(15, 6, note)
        pdf.cell(40, 6, a, align="R")
        pdf.cell(40, 6, b, align="R")
        pdf.ln(6)
    pdf.ln(4)
    pdf.cell(0, 8, "Not 1 Verksamhetens intäkter", new_x="LMARGIN", new_y="NEXT")
    for label, a in [("", "2024"), *MEMBERS, ("Summa medlemsbidrag", "1 250 000,00")]:
        pdf.cell(95, 6, label)
        pdf.cell(40, 6, a, align="R")
        pdf.ln(6)
    pdf.output(str(path))


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "provforbundet-ar-2024.pdf"
    make_pdf(path)
    return path


@pytest.fixture
def raw(tmp_path):
    raw = tmp_path / "raw"
    (raw / "provforbundet").mkdir(parents=True)
    (raw / "provforbundet" / "forbund.yaml").write_text(
        textwrap.dedent(
            """\
            slug: provforbundet
            name: Provförbundet
            org_nr: "222000-9999"
            county: Provlän
            members:
              - {name: Försäkringskassan, kind: staten}
              - {name: Arbetsförmedlingen, kind: staten}
              - {name: Region Provland, kind: region}
              - {name: Provby, kind: kommun}
            """
        ),
        encoding="utf-8",
    )
    return raw


def test_pdf_text_keeps_pages_and_columns(pdf_file):
    text = pdf_text(pdf_file)
    pages = text.split("\f")
    assert len(pages) == 2
    assert "Översikt över verksamhetens utveckling" in pages[0] and "2. Resultaträkning" in pages[1]
    line = next(row for row in pages[1].splitlines() if row.startswith("Verksamhetens kostnader"))
    assert line.split("\t") == ["Verksamhetens kostnader", "2", "-1 236 450,25", "-1 201 310,40"]


def read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_pdf_ingest_propose_accept_load_tick_and_tie(pdf_file, raw, capsys):
    assert (
        cli.main(
            [
                "ingest",
                str(pdf_file),
                "--forbund",
                "provforbundet",
                "--document",
                "arsredovisning-2024",
                "--raw",
                str(raw),
            ]
        )
        == 0
    )
    folder = raw / "provforbundet" / "arsredovisning-2024"
    meta = yaml.safe_load((folder / "source.yaml").read_text(encoding="utf-8"))
    assert meta["sha256"] == sha256_of(folder / "source.txt")
    assert meta["original_sha256"] == sha256_of(pdf_file)
    assert meta["years"] == [2022, 2024] and str(meta["date"]) == "2025-02-20" and meta["kind"] == "arsredovisning"
    assert not (folder / "financials.csv").exists()  # created by accept with its first row

    assert cli.main(["propose", str(folder)]) == 0
    proposed = {(r["statement"], r["year"], r["item"]): r for r in read(folder / "proposed" / "financials.csv")}
    rr_costs = proposed[("income_statement", "2024", "operating_costs")]
    assert (rr_costs["value"], rr_costs["unit"], rr_costs["page"], rr_costs["as_printed"]) == (
        "-1236450.25",
        "kr",
        "2",
        "-1 236 450,25",
    )
    assert proposed[("income_statement", "2023", "financial_costs")]["value"] == "-1009.60"
    assert proposed[("income_statement", "2024", "net_result")]["value"] == "15000.00"
    overview_costs = proposed[("overview", "2022", "operating_costs")]
    assert (overview_costs["value"], overview_costs["unit"], overview_costs["page"]) == ("-1290", "tkr", "1")
    assert "printed without sign" in overview_costs["note"]
    assert proposed[("overview", "2023", "equity_ratio")][["value", "unit"][0]] == "38"
    members = {r["member"]: r for r in read(folder / "proposed" / "member_contributions.csv")}
    assert members["Provby"]["value"] == "312500.00" and members["Provby"]["member_kind"] == "kommun"
    assert members["*"]["value"] == "1250000.00"
    participants = {(r["measure"], r["gender"]): r["value"] for r in read(folder / "proposed" / "participants.csv")}
    assert participants[("active", "kvinna")] == "97" and participants[("active", "man")] == "86"
    assert participants[("exited", "total")] == "127"
    outcomes = read(folder / "proposed" / "outcomes.csv")
    assert [(o["outcome"], o["value"], o["unit"]) for o in outcomes] == [("work_or_studies", "40", "pct")]

    assert cli.main(["accept", str(folder)]) == 0
    assert not (folder / "proposed" / "financials.csv").exists()
    curated = read(folder / "financials.csv")
    assert len(curated) == len(proposed) and "confidence" not in curated[0]

    [forbund] = load_raw(raw)
    [doc] = forbund.documents
    text = document_text(folder / "source.txt")
    for name, frame in doc.tables.items():
        if "value" in frame and len(frame):
            assert untied_rows(frame, text).empty, name
    tables = build_tables(raw)
    rr = tables.financials.query("statement == 'income_statement' and year == 2024")
    assert rr.set_index("item")["value_sek"]["operating_costs"] == pytest.approx(-1236450.25)
    results = reconcile(tables)
    assert {"rr_identity:2024:utfall", "rr_identity:2023:utfall"} <= set(results["check_id"])
    failing = results[results["status"].isin(FAILING)]
    assert failing.empty, failing[["check_id", "expected", "actual", "status"]].to_string()

    # accepting again never duplicates: the proposals are gone, a re-proposal is "already curated"
    assert cli.main(["propose", str(folder)]) == 0
    assert cli.main(["accept", str(folder), "--table", "financials"]) == 0
    assert len(read(folder / "financials.csv")) == len(curated)
    out = capsys.readouterr().out
    assert f"financials: accepted 0 row(s), {len(curated)} already curated" in out


def test_ingest_refuses_to_overwrite_without_force(pdf_file, raw, capsys):
    args = [
        "ingest",
        str(pdf_file),
        "--forbund",
        "provforbundet",
        "--document",
        "arsredovisning-2024",
        "--raw",
        str(raw),
    ]
    assert cli.main(args) == 0
    assert cli.main(args) == 2
    assert "already exists; pass --force" in capsys.readouterr().err
    assert cli.main(args + ["--force"]) == 0
