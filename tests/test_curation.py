"""The curation assistant's parts: numbers, aliases, tables, prose, diff, accept, bad input."""

from __future__ import annotations

import csv
import re
import textwrap
from pathlib import Path

import pytest
import yaml

from finsam_analysis import cli
from finsam_analysis.curation.accept import accept, parse_rows
from finsam_analysis.curation.aliases import fold, load_aliases
from finsam_analysis.curation.diff import diff_lines
from finsam_analysis.curation.errors import InputError
from finsam_analysis.curation.insatser import Interventions
from finsam_analysis.curation.numbers import parse_figure
from finsam_analysis.curation.propose import propose_text, write_proposals
from finsam_analysis.curation.score import score_rows
from finsam_analysis.curation.tables import _segment, header_columns
from finsam_analysis.curation.text import lines_of
from finsam_analysis.data import paths
from finsam_analysis.data.schema import TABLES
from finsam_analysis.data.vocabulary import load_vocabulary

CURATION_SRC = Path(__file__).resolve().parents[1] / "src" / "finsam_analysis" / "curation"


def rows(text, table="financials", **kw):
    return [p.row for p in propose_text(textwrap.dedent(text), **kw).rows if p.table == table]


def by_key(found):
    return {(r["statement"], str(r["year"]), r["basis"], r["item"]): (r["value"], r["unit"]) for r in found}


# --- numbers
@pytest.mark.parametrize(
    "printed, value",
    [
        ("246 185,14", 246185.14),
        ("- 4 996 117", -4996117),
        ("+18 022", 18022),
        ("-13,95", -13.95),
        ("0,67", 0.67),
        ("18022", 18022),
        ("12 34", None),
        ("abc", None),
    ],
)
def test_parse_figure(printed, value):
    assert parse_figure(printed) == value


@pytest.mark.parametrize(
    "tokens, wanted, cells",
    [
        ("19 102 199 19 130 084", 2, ["19 102 199", "19 130 084"]),
        ("671 198 598 046", 2, ["671 198", "598 046"]),  # a figure never starts with 0
        ("3 501 873 -202 244", 2, ["3 501 873", "-202 244"]),
        ("Nordea 6 38 09-8 6 694 629 3 030 339", 2, ["6 694 629", "3 030 339"]),
        ("0,67 0,48 0,42", 3, ["0,67", "0,48", "0,42"]),
        ("19 102 199 kr 19 130 084 kr", 2, ["19 102 199 kr", "19 130 084 kr"]),
        ("50 % 9 529 000 9 531 000", 2, ["9 529 000", "9 531 000"]),
    ],
)
def test_segment_space_separated_columns(tokens, wanted, cells):
    assert _segment(tokens.split(), wanted) == cells


def test_header_columns_years_bases_and_opening_balance():
    columns, has_note = header_columns("Belopp i kr.\tNot\t2024\t2023")
    assert [(c.year, c.basis) for c in columns] == [(2024, "utfall"), (2023, "utfall")] and has_note
    columns, _ = header_columns("\tIngående balans 2024-01-01\tFörändring\tUtgående balans 2024-12-31")
    assert [(c.year, c.basis) for c in columns] == [(2023, "utfall"), (None, None), (2024, "utfall")]
    columns, _ = header_columns("Utfall jan-dec 2025 Aktuell budget jan-dec 2025 Avvikelse 2025")
    assert [(c.year, c.basis) for c in columns] == [(2025, "utfall"), (2025, "budget"), (2025, "avvikelse")]
    assert header_columns("Tabellen visar verksamhetens utveckling under 2020–2024.") is None


# --- aliases
def test_aliases_fold_broken_extraction_and_know_only_vocabulary_items():
    assert fold("Årets  resultat") == fold("A rets resultat") == fold("Arets resultat") == "aretsresultat"
    aliases = load_aliases()
    items = set(load_vocabulary().words("items"))
    assert set(aliases.general.values()) <= items
    assert aliases.item("Summa eget kapital", "balance_sheet") == "equity"
    assert aliases.item("Eget kapital", "balance_sheet") == "equity_other"  # the row above the sum
    assert aliases.item("Eget kapital", "overview") == "equity"
    assert aliases.item("Kortfristiga skulder", "cash_flow") == "change_in_short_term_liabilities"
    assert aliases.item("Kortfristiga skulder", "balance_sheet") == "short_term_liabilities"


def test_no_code_path_names_a_forbund_or_a_document():
    names = set()
    for meta_file in paths.RAW_DIR.glob("*/forbund.yaml"):
        meta = yaml.safe_load(meta_file.read_text(encoding="utf-8"))
        names |= {meta["slug"], (meta.get("name") or "").lower()}
        names |= {m["name"].lower() for m in meta.get("members") or [] if m["kind"] != "staten"}
    names.discard("")
    for source in list(CURATION_SRC.glob("*.py")) + [CURATION_SRC.parent / "data" / "vocabulary_aliases.yaml"]:
        text = source.read_text(encoding="utf-8").lower()
        assert not [n for n in names if re.search(rf"\b{re.escape(n.lower())}\b", text)], source.name


# --- tables
RR_TKR = """
2. Resultaträkning
Belopp i tkr\tNot\t2024\t2023
Verksamhetens intäkter\t1\t18 022\t19 011
Verksamhetens kostnader\t2\t-22 708\t-22 501
Avskrivningar\t\t-\t-
Årets resultat\t\t246\t- 805

3. Balansräkning
Belopp i kr
Tillgångar 2024 2023
Kassa och bank
Not 8 8 161 947 4 493 208
Summa tillgångar 8 894 953 5 177 786
Summa eget kapital
Not 9 5 967 665 2 465 791
"""


def test_tables_tkr_tabs_and_space_columns_with_labels_on_their_own_line():
    found = by_key(rows(RR_TKR))
    assert found[("income_statement", "2024", "utfall", "operating_costs")] == ("-22708", "tkr")
    assert found[("income_statement", "2023", "utfall", "net_result")] == ("-805", "tkr")
    assert ("income_statement", "2024", "utfall", "depreciation") not in found  # printed "-": nothing
    assert found[("balance_sheet", "2024", "utfall", "cash_and_bank")] == ("8161947", "kr")
    assert found[("balance_sheet", "2023", "utfall", "equity")] == ("2465791", "kr")


def test_tables_signs_costs_printed_without_sign_and_liabilities_printed_negative():
    text = """
    1.1 Översikt över verksamhetens utveckling
      2025 2024
    Verksamhetens intäkter 19 102 199 kr 19 130 084 kr
    Verksamhetens kostnader 15 600 326 kr 19 326 037 kr
    Soliditet 0,67 0,48
    Eget kapital 5 967 664 kr 2 465 791 kr

    NOT 10 - Kortfristiga skulder 2025 2024
    Leverantörsskulder -2 372 210 -1 666 447
    Summa kortfristiga skulder -2 927 288 -2 711 995
    """
    found = rows(text)
    keyed = by_key(found)
    assert keyed[("overview", "2025", "utfall", "operating_costs")] == ("-15600326", "kr")
    assert keyed[("overview", "2024", "utfall", "equity_ratio")] == ("48", "pct")
    assert keyed[("note", "2025", "utfall", "accounts_payable")] == ("2372210", "kr")
    assert keyed[("note", "2024", "utfall", "short_term_liabilities")] == ("2711995", "kr")
    note = next(r for r in found if r["item"] == "operating_costs")["note"]
    assert "printed without sign" in note


def test_tables_ratio_cell_varav_lines_totals_and_öre():
    text = """
    1.1. Översikt över verksamhetens utveckling
    Belopp i tkr\t2024\t2023
    Soliditet\t3284/ 11708 28%\t3038/ 9554 32%

    NOT 2. Verksamhetens kostnader 2025 2024
    Konsultkostnader 9 021 415 11 276 787
    varav Driftkostnader 112 000 29 000
    Lokalkostnader 1 043 835,50 1 714 654,25
    Summa 10 065 250,50 12 991 441,25
    """
    keyed = by_key(rows(text))
    assert keyed[("overview", "2024", "utfall", "equity")] == ("3284", "tkr")
    assert keyed[("overview", "2023", "utfall", "total_assets")] == ("9554", "tkr")
    assert keyed[("overview", "2023", "utfall", "equity_ratio")] == ("32", "pct")
    assert keyed[("note", "2024", "utfall", "consultant_costs_admin")] == ("-29000", "kr")
    assert keyed[("note", "2025", "utfall", "premises_costs")] == ("-1043835.50", "kr")
    assert keyed[("note", "2024", "utfall", "operating_costs")] == ("-12991441.25", "kr")  # "Summa" of the note


def test_table_of_contents_is_not_a_table():
    text = "2. Resultaträkning.....\t14\n3. BALANSRÄKNING\t15\n"
    assert propose_text(text).tables_found == []


def test_member_contributions_per_member_and_kommun():
    text = """
    NOT 1- Verksamhetens intäkter 2025 2024
    Staten 50 % 9 529 000 9 531 000
    Region Provland 25 % 4 764 500 4 764 500
    Provby kommun 25 % 4 764 500 4 764 500
    Summa medlemsavgifter 19 058 000 19 060 000
    """
    members = {
        "Försäkringskassan": "staten",
        "Arbetsförmedlingen": "staten",
        "Region Provland": "region",
        "Provby": "kommun",
    }
    found = {
        (r["year"], r["member"]): (r["value"], r["member_kind"], r["share_pct"])
        for r in rows(text, "member_contributions", members=members)
    }
    assert found[(2025, "Försäkringskassan")] == ("9529000", "staten", "50")
    assert found[(2024, "Provby")] == ("4764500", "kommun", "25")
    assert found[(2025, "*")] == ("19058000", "*", "")
    assert by_key(rows(text, members=members))[("note", "2025", "utfall", "member_contribution_total")] == (
        "19058000",
        "kr",
    )


# --- prose
@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "Under året har 183 deltagare deltagit, varav 97 kvinnor och 86 män.",
            {("active", "total"): "183", ("active", "kvinna"): "97", ("active", "man"): "86"},
        ),
        (
            "Totalt avslutades insatsen av 40 kvinnor och 21 män under året.",
            {("exited", "kvinna"): "40", ("exited", "man"): "21"},
        ),
        ("Under året har 127 deltagare avslutats i insatserna och resultaten följs upp.", {("exited", "total"): "127"}),
        ("Verksamheten tog emot 45 nya deltagare under året vilket är fler än tidigare.", {("started", "total"): "45"}),
        (
            "Andelen var 60 procent kvinnor och 40 procent män bland de aktuella.",
            {("active", "kvinna"): "60", ("active", "man"): "40"},
        ),
    ],
)
def test_prose_participants(sentence, expected):
    found = {(r["measure"], r["gender"]): r["value"] for r in rows(sentence, "participants", fiscal_year=2024)}
    assert found == expected
    assert {r["year"] for r in rows(sentence, "participants", fiscal_year=2024)} == {2024}


def test_prose_year_printed_before_the_figure_wins():
    found = rows(
        "Det är färre än 2023 då 458 kvinnor och 183 män deltog i insatserna.", "participants", fiscal_year=2024
    )
    assert {(r["year"], r["gender"], r["value"]) for r in found} == {(2023, "kvinna", "458"), (2023, "man", "183")}


@pytest.mark.parametrize(
    "sentence, outcome, value, unit, approximate",
    [
        (
            "Av de avslutade gick 40 procent till arbete eller studier efter insatsen.",
            "work_or_studies",
            "40",
            "pct",
            False,
        ),
        ("Efter avslut har 12 personer gått vidare till arbete under året.", "work", "12", "count", False),
        ("Av deltagarna gick cirka 30 % vidare till studier efter avslutad insats.", "studies", "30", "pct", True),
    ],
)
def test_prose_outcomes(sentence, outcome, value, unit, approximate):
    [row] = rows(sentence, "outcomes", fiscal_year=2024)
    assert (row["outcome"], row["value"], row["unit"], row["gender"]) == (outcome, value, unit, "total")
    assert ("approximate" in row["note"]) is approximate


@pytest.mark.parametrize(
    "sentence, item, value, unit, approximate",
    [
        (
            "Förbundet hade under året kostnader på 10,3 m.kr vilket är lägre än budget.",
            "operating_costs",
            "-10.3",
            "mkr",
            False,
        ),
        (
            "Förbundet har ett eget kapital på 300 tkr vid årets slut enligt balansräkningen.",
            "equity",
            "300",
            "tkr",
            False,
        ),
        ("Årets resultat blev drygt 246 tkr och är högre än väntat för förbundet.", "net_result", "246", "tkr", True),
        (
            "Medlemsbidragen uppgick till 18 022 tkr under året från de fyra parterna.",
            "member_contribution_total",
            "18022",
            "tkr",
            False,
        ),
    ],
)
def test_prose_money(sentence, item, value, unit, approximate):
    [row] = rows(sentence, fiscal_year=2024)
    assert (row["statement"], row["year"], row["basis"], row["item"], row["value"], row["unit"]) == (
        "text",
        2024,
        "utfall",
        item,
        value,
        unit,
    )
    assert ("approximate" in row["note"]) is approximate


# --- pages, diff, accept, scoring
def test_pages_from_form_feeds_and_marker_lines():
    assert [line.page for line in lines_of("a\n\fb\n") if line.text] == [1, 2]
    assert [(line.page, line.text) for line in lines_of("a\n--- sida 7 ---\nb\n") if line.text] == [(1, "a"), (7, "b")]
    assert {line.page for line in lines_of("a\nb\n")} == {None}


DOC_TEXT = """2. Resultaträkning
Belopp i kr\t2024\t2023
Verksamhetens intäkter\t5 171 429\t5 222 000
Verksamhetens kostnader\t- 4 996 117\t- 4 920 564
Årets resultat\t175 312\t301 436
"""
CURATED = """statement,year,basis,item,value,unit,section,page,note
income_statement,2024,utfall,operating_income,5171429,kr,2. Resultaträkning,,
income_statement,2024,utfall,operating_costs,-4996171,kr,2. Resultaträkning,,typo
income_statement,2024,utfall,depreciation,0,kr,2. Resultaträkning,,
"""


@pytest.fixture
def folder(tmp_path):
    doc = tmp_path / "raw" / "provforbundet" / "arsredovisning-2024"
    doc.mkdir(parents=True)
    (doc / "source.txt").write_text(DOC_TEXT, encoding="utf-8")
    (doc / "financials.csv").write_text(CURATED, encoding="utf-8")
    return doc


def test_diff_shows_typos_proposals_only_and_curated_only(folder):
    lines = diff_lines(folder, propose_text(DOC_TEXT))
    assert any(
        line.startswith("~ financials income_statement 2024 utfall operating_costs: proposed -4996117 kr")
        and "curated -4996171 kr" in line
        for line in lines
    )
    assert any(
        line.startswith("+ financials income_statement 2023 utfall net_result: proposed 301436 kr") for line in lines
    )
    assert any(
        line.startswith("- financials income_statement 2024 utfall depreciation: curated 0 kr") for line in lines
    )
    assert not any("operating_income" in line and "2024" in line for line in lines)


def test_propose_diff_cli_writes_nothing(folder, capsys):
    assert cli.main(["propose", "--diff", str(folder)]) == 0
    assert "difference(s)" in capsys.readouterr().out
    assert not (folder / "proposed").exists()


def test_accept_appends_selected_rows_never_duplicates_and_reports_conflicts(folder, capsys):
    write_proposals(folder, propose_text(DOC_TEXT))
    with open(folder / "proposed" / "financials.csv", encoding="utf-8") as handle:
        proposed = list(csv.DictReader(handle))
    line_of = {(r["year"], r["item"]): n for n, r in enumerate(proposed, start=2)}
    chosen = f"{line_of[('2023', 'net_result')]},{line_of[('2024', 'operating_income')]}"
    result = accept(folder, "financials", parse_rows(chosen))
    assert result.accepted == {"financials": 1} and result.already == {"financials": 1}
    with open(folder / "financials.csv", encoding="utf-8") as handle:
        curated = list(csv.DictReader(handle))
    assert len(curated) == 4 and curated[-1]["item"] == "net_result" and curated[-1]["value"] == "301436"
    assert list(curated[-1]) == ["statement", "year", "basis", "item", "value", "unit", "section", "page", "note"]
    assert cli.main(["accept", str(folder)]) == 1  # the operating_costs typo is a conflict: kept in proposed/
    err = capsys.readouterr().err
    assert "proposed -4996117 but financials.csv has -4996171" in err
    with open(folder / "financials.csv", encoding="utf-8") as handle:
        assert sum(1 for r in csv.DictReader(handle) if r["item"] == "operating_costs" and r["year"] == "2024") == 1


def test_score_rows_value_exact_in_kronor():
    proposed = [
        {
            "statement": "overview",
            "year": "2024",
            "basis": "utfall",
            "item": "net_result",
            "value": "246",
            "unit": "tkr",
        }
    ]
    curated = [
        {
            "statement": "overview",
            "year": "2024",
            "basis": "utfall",
            "item": "net_result",
            "value": "246000",
            "unit": "kr",
        },
        {
            "statement": "overview",
            "year": "2023",
            "basis": "utfall",
            "item": "net_result",
            "value": "-805",
            "unit": "tkr",
        },
    ]
    [score] = score_rows("financials", proposed, curated).values()
    assert (score.proposed, score.curated, score.matched, score.precision, score.recall) == (1, 2, 1, 1.0, 0.5)


# --- bad input
@pytest.mark.parametrize(
    "args, message",
    [
        (["ingest", "missing.pdf", "--forbund", "x", "--document", "arsredovisning-2024"], "no such file"),
        (["ingest", "{doc}", "--forbund", "Bad Name", "--document", "arsredovisning-2024"], "expected a slug"),
        (["ingest", "{doc}", "--forbund", "x", "--document", "report-2024"], "expected <kind>-<year>"),
        (
            ["ingest", "{doc}", "--forbund", "x", "--document", "arsredovisning-2024", "--kind", "protokoll"],
            "does not match the document id",
        ),
        (["ingest", "{odt}", "--forbund", "x", "--document", "arsredovisning-2024"], "expected a .pdf or a .txt"),
        (["ingest", "{fake_pdf}", "--forbund", "x", "--document", "arsredovisning-2024"], "not a readable PDF"),
        (["ingest", "{empty}", "--forbund", "x", "--document", "arsredovisning-2024"], "empty"),
        (["propose", "nowhere/arsredovisning-2024"], "no source.txt"),
        (["accept", "{folder}", "--rows", "1-3", "--table", "financials"], "line numbers start at 2"),
        (["accept", "{folder}", "--rows", "2"], "--rows needs --table"),
        (["accept", "{folder}"], "no proposals to accept"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(tmp_path, folder, capsys, args, message):
    files = {
        "doc": tmp_path / "a.txt",
        "odt": tmp_path / "a.odt",
        "fake_pdf": tmp_path / "a.pdf",
        "empty": tmp_path / "e.txt",
        "folder": folder,
    }
    files["doc"].write_text(DOC_TEXT, encoding="utf-8")
    files["odt"].write_text("x", encoding="utf-8")
    files["fake_pdf"].write_bytes(b"not a pdf at all")
    files["empty"].write_text("  \n", encoding="utf-8")
    argv = [a.format(**files) for a in args] + ["--raw", str(tmp_path / "raw")]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("error: ")


def test_input_error_is_a_curation_error():
    from finsam_analysis.data.errors import CurationError

    assert issubclass(InputError, CurationError)


def test_txt_ingest_keeps_text_and_records_hashes(tmp_path):
    source = tmp_path / "ar.txt"
    source.write_text("Årsredovisning 2024\nBeslutad av styrelsen 2025-03-21\n" + DOC_TEXT, encoding="utf-8")
    assert (
        cli.main(
            [
                "ingest",
                str(source),
                "--forbund",
                "provforbundet",
                "--document",
                "arsredovisning-2024",
                "--raw",
                str(tmp_path / "raw"),
            ]
        )
        == 0
    )
    folder = tmp_path / "raw" / "provforbundet" / "arsredovisning-2024"
    assert (folder / "source.txt").read_text(encoding="utf-8") == source.read_text(encoding="utf-8")
    meta = yaml.safe_load((folder / "source.yaml").read_text(encoding="utf-8"))
    assert meta["original_sha256"] == meta["sha256"]  # a text goes in unchanged
    assert (meta["years"], str(meta["date"]), meta["title"]) == ([2023, 2024], "2025-03-21", "Årsredovisning 2024")
    # no header-only data tables (the loader refuses them: they would check nothing); accept creates them
    assert not (folder / "participants.csv").exists()
    for written in folder.glob("*.csv"):
        spec = TABLES[written.stem]
        has_rows = len(written.read_text(encoding="utf-8").strip().splitlines()) > 1
        assert has_rows or spec.may_be_empty, f"{written.name}: header only, the strict loader refuses it"
    assert (folder / "known_discrepancies.csv").read_text(encoding="utf-8").startswith("check_id,")
    assert "members: []" in (folder.parent / "forbund.yaml").read_text(encoding="utf-8")


def test_participants_per_kommun_and_gender_table():
    text = "1.5 Uppföljning\n\tProvby\tAnnanby\nKvinnor\t17\t227\nMän\t18\t107\n"
    members = {"Provby": "kommun", "Annanby": "kommun", "Region Provland": "region"}
    found = {
        (r["group"], r["gender"]): (r["value"], r["year"])
        for r in rows(text, "participants", members=members, fiscal_year=2024)
    }
    assert found == {
        ("Provby", "kvinna"): ("17", 2024),
        ("Annanby", "kvinna"): ("227", 2024),
        ("Provby", "man"): ("18", 2024),
        ("Annanby", "man"): ("107", 2024),
    }


def test_balance_sheet_opening_column_equity_row_is_not_equity_other():
    text = """
    3. Balansräkning
    Belopp i kr.
    \tIngående balans 2024-01-01\tFörändring\tUtgående balans 2024-12-31
    Eget kapital\t3 037 883,49\t0,00\t3 037 883,49
    Periodens resultat\t\t246 185,14\t246 185,14
    Summa Eget kapital\t3 037 883,49\t246 185,14\t3 284 068,63
    """
    keyed = by_key(rows(text))
    assert keyed[("balance_sheet", "2023", "utfall", "equity")] == ("3037883.49", "kr")
    assert ("balance_sheet", "2023", "utfall", "equity_other") not in keyed  # the whole equity, result included
    assert keyed[("balance_sheet", "2024", "utfall", "equity_other")] == ("3037883.49", "kr")
    assert keyed[("balance_sheet", "2024", "utfall", "net_result")] == ("246185.14", "kr")


def test_budget_bare_total_from_the_header_label_and_funds_available_below_opening_equity():
    text = """
    #### Budget
    \tPrognos\tBudget
    INTÄKTER\t2023\t2024
    Summa intäkter medlemsavgifter\t19 108 200\t19 058 000
    Total\t19 722 200\t19 058 000
    Eget kapital IB\t5 480 535\t3 830 171
    INTÄKTER TOTALT:\t25 816 735\t22 888 171
    """
    keyed = by_key(rows(text))
    assert keyed[("budget", "2023", "prognos", "operating_income")] == ("19722200", "kr")
    assert keyed[("budget", "2024", "budget", "equity_opening")] == ("3830171", "kr")
    assert keyed[("budget", "2023", "prognos", "funds_available")] == ("25816735", "kr")
    assert keyed[("budget", "2024", "budget", "funds_available")] == ("22888171", "kr")


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "Under året ökade förbundets egna kapital med 350 000 kr och uppgår till 1 250 000 kr vid årets slut.",
            {("utfall", "net_result"): ("350000", "kr", ""), ("utfall", "equity"): ("1250000", "kr", "")},
        ),
        (
            "Under 2024 har förbundets egna kapital ökat från 1 466 tkr till 2 967 tkr enligt balansräkningen.",
            {("utfall", "equity_opening"): ("1466", "tkr", ""), ("utfall", "equity"): ("2967", "tkr", "")},
        ),
        (
            "Den budgeterade ökningen (efter revidering) av eget kapital var 180 818 kr för året.",
            {("budget", "net_result"): ("180818", "kr", "")},
        ),
        (
            "Vid årets slut uppgick därmed det egna kapitalet till 1 001 433 kr enligt bokslutet.",
            {("utfall", "equity"): ("1001433", "kr", "")},
        ),
        (
            "Årets samlade medlemsbidrag från förbundsmedlemmarna uppgick till 9 058 000 kr under året.",
            {("utfall", "member_contribution_total"): ("9058000", "kr", "")},
        ),
        (
            "Nationella rådet har rekommenderat en nivå för eget kapital för förbundet med ca 3 miljoner kr.",
            {("utfall", "equity_guideline_cap"): ("3", "mkr", "ca")},
        ),
        (
            "Målet är att egna kapitalet hålls under nivån på ca 2 Mkr i enlighet med Nationella rådets rekommendationer.",
            {("utfall", "equity_guideline_cap"): ("2", "mkr", "ca")},
        ),
        (
            "Eget kapital var 31 december 2024 21,2 procent av årets erhållna medlemsbidrag. Det överstiger "
            "rekommenderat tak om 20 procent.",
            {
                ("utfall", "equity_share_of_contributions"): ("21.2", "pct", ""),
                ("utfall", "equity_guideline_share"): ("20", "pct", ""),
            },
        ),
        (
            "Styrelsen har beslutat att max 300 000 kr ska utgöra det egna kapitalet framöver.",
            {("budget", "equity_cap_board"): ("300000", "kr", "")},
        ),
        (
            "Styrelsen har bedömt ett långsiktigt behov av eget kapital på minst 2000 tkr för verksamheten.",
            {("utfall", "equity_minimum_need"): ("2000", "tkr", "")},
        ),
        (
            "Störst andel av medlen, knappt 70 %, nyttjades under året till prerehabiliterande individinriktade insatser.",
            {("utfall", "individual_interventions_share"): ("70", "pct", "knappt")},
        ),
        (
            "Knappt 20% av förbundets totala kostnader avsåg utbildnings- och utvecklingskostnader till anställda.",
            {("utfall", "competence_development_share"): ("20", "pct", "knappt")},
        ),
    ],
)
def test_prose_key_figures(sentence, expected):
    found = rows(sentence, fiscal_year=2024)
    assert {(r["basis"], r["item"]): (r["value"], r["unit"], r.get("approx", "")) for r in found} == expected
    assert {(r["statement"], r["year"]) for r in found} == {("text", 2024)}


def test_prose_board_members_and_list_items_with_approximate_equity():
    found = rows("En ny förbundsordning gäller. Styrelsen har utökats från 14 till 22 ledamöter.", fiscal_year=2024)
    assert {(r["year"], r["item"], r["value"], r["unit"]) for r in found} == {
        (2023, "board_members", "14", "count"),
        (2024, "board_members", "22", "count"),
    }
    text = """
    Prognoser till verksamhetsplan:

    - Ingång 2024: Eget kapital ca 3 800 tkr enligt prognosen
    - Ingång 2025: Eget kapital ca 1 175 tkr enligt prognosen
    """
    found = rows(text)
    assert {(r["year"], r["basis"], r["item"], r["value"], r["unit"], r["approx"]) for r in found} == {
        (2024, "prognos", "equity_opening", "3800", "tkr", "ca"),
        (2025, "prognos", "equity_opening", "1175", "tkr", "ca"),
    }


def test_balance_requirement_lines_under_an_unnumbered_heading():
    text = """
    1.5. Förvaltningsberättelse
    Årets resultat blev som väntat och förbundet uppfyller balanskravet med god marginal.

    Balanskravsresultat

    +246 tkr\tÅrets resultat enligt resultaträkningen
    - 0\tSamtliga realisationsvinster
    = +246 tkr\tBalanskravsresultat
    """
    found = {(r["item"], r["value"], r["unit"]) for r in rows(text, fiscal_year=2024) if r["statement"] == "text"}
    assert found == {
        ("net_result", "246", "tkr"),
        ("realisation_gains", "0", "tkr"),
        ("balance_requirement_result", "246", "tkr"),
    }


def people(text, table="participants", **kw):
    key = "measure" if table == "participants" else "outcome"
    return {
        (r["year"], r["intervention"], r[key], r["gender"], r["unit"]): r["value"]
        for r in rows(text, table, fiscal_year=2024, **kw)
    }


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Insatserna har avslutat drygt 250 deltagare under året.", {(2024, "*", "exited", "total", "count"): "250"}),
        (
            "Därmed har insatserna arbetat med totalt 416 deltagare under året.",
            {(2024, "*", "active", "total", "count"): "416"},
        ),
        (
            "Under året har 232 remisser har inkommit till insatserna.",
            {(2024, "*", "referred", "total", "count"): "232"},
        ),
        (
            "Med de 184 deltagare (60% kvinnor/40% män) som följde med in i 2025 fortsatte arbetet.",
            {
                (2024, "*", "carried_over", "total", "count"): "184",
                (2024, "*", "carried_over", "kvinna", "pct"): "60",
                (2024, "*", "carried_over", "man", "pct"): "40",
            },
        ),
        (
            "Under 2024 var målet att arbeta med minst 500 deltagare i teamen.",
            {(2024, "*", "target", "total", "count"): "500"},
        ),
        ("Projektet förväntas ha ungefär 60 deltagare under perioden 2024 till 2027.", {}),
        (
            "Könsfördelning: 67 % män, 22 % kvinnor och 11% annat bland de inskrivna.",
            {
                (2024, "*", "active", "man", "pct"): "67",
                (2024, "*", "active", "kvinna", "pct"): "22",
                (2024, "*", "active", "annat", "pct"): "11",
            },
        ),
        (
            "För tidigt att redovisa några resultat, inga deltagare har avslutats.",
            {(2024, "*", "exited", "total", "count"): "0"},
        ),
        (
            "Antal kvinnor som deltog var 426 och antal män 224 under året.",
            {(2024, "*", "active", "kvinna", "count"): "426", (2024, "*", "active", "man", "count"): "224"},
        ),
        (
            "Nationellt svarar 56 % kvinnor och 34 % män ja på frågorna om våld.",
            {},  # shares that do not add up to 100 are not a gender split of participants
        ),
        (
            "Förbundet arrangerade kunskapsseminarier och event som lockade drygt 290 deltagare under året.",
            {(2024, "*", "contacts", "total", "count"): "290"},
        ),
    ],
)
def test_prose_participants_more_phrasings(sentence, expected):
    assert people(sentence) == expected


def test_prose_figures_go_to_the_insats_their_sentence_or_heading_names():
    names = Interventions(["Samordningsteamet", "Projekt Ciceron", "Utbildning i Våld i nära relationer"])
    text = """
    1.1 Resultat
    Rehabiliteringsinsatserna i Samordningsteamet och projektet Ciceron har nått ut till 154 deltagare. I samordningsteamet har 66 procent gjort en positiv stegförflyttning.

    I övrigt har 70 personer deltagit i utbildning i Våld i nära relationer under hösten.

    SAMORDNINGSTEAMET
    Huvudman\tEn kommun i länet
    Antal inskrivna deltagare\t145 deltagare
    Resultat\t66 av de 100 avslutade deltagarna har gjort stegförflyttning.
    """
    assert people(text, interventions=names) == {
        (2024, "*", "active", "total", "count"): "154",
        (2024, "Utbildning i Våld i nära relationer", "contacts", "total", "count"): "70",
        (2024, "Samordningsteamet", "active", "total", "count"): "145",
        (2024, "Samordningsteamet", "exited", "total", "count"): "100",
    }
    outcomes = {(k[1], k[2], k[4]): v for k, v in people(text, "outcomes", interventions=names).items()}
    assert outcomes == {
        ("Samordningsteamet", "step_progress", "pct"): "66",
        ("Samordningsteamet", "step_progress", "count"): "66",
    }
    assert {r["base"] for r in rows(text, "outcomes", fiscal_year=2024, interventions=names)} == {"exited"}


def test_prose_outcomes_onward_phrasings_and_exit_reason_lists():
    text = """
    Av dessa har 45 personer noterats gå vidare till Gemensam Kartläggning. Totalt 60 personer av registrerade i mätningarna gick vidare till fortsatt rehabilitering.

    Avslutsanledningar för dessa deltagare var 2024:

    Arbete/studier:  13%

    Fortsatt arbetslivsinriktad rehab: 30%

    Hälsotillstånd inte tillåter fortsatt rehab: 45%

    Övrigt:   12%
    """
    found = {(r["outcome"], r["value"], r["unit"], r["base"]) for r in rows(text, "outcomes", fiscal_year=2024)}
    assert found == {
        ("gemensam_kartlaggning", "45", "count", ""),
        ("continued_rehab", "60", "count", ""),
        ("work_or_studies", "13", "pct", "exited"),
        ("continued_rehab", "30", "pct", "exited"),
        ("health", "45", "pct", "exited"),
        ("other", "12", "pct", "exited"),
    }


def test_counts_of_insatser_over_the_years_and_activity_contacts():
    text = """
    Utveckling av insatser över tid

        2025 2024 2023

    Antal individinriktade insatser 6 5 6

    Antal strukturövergripande
    insatser

    14* 13* 6

    Insatser/aktiviteter\tAntal deltagare\tMål
    Genomförande av Rehabmässan 2024\t250\tInspiration
    Genomförande av fem styrelsemöten\t-\tSamverkan
    """
    names = Interventions(["Rehabmässan"])
    found = people(text, interventions=names)
    assert found == {
        (2025, "Individinriktade insatser", "interventions_count", "total", "count"): "6",
        (2024, "Individinriktade insatser", "interventions_count", "total", "count"): "5",
        (2023, "Individinriktade insatser", "interventions_count", "total", "count"): "6",
        (2025, "Strukturövergripande insatser", "interventions_count", "total", "count"): "14",
        (2024, "Strukturövergripande insatser", "interventions_count", "total", "count"): "13",
        (2023, "Strukturövergripande insatser", "interventions_count", "total", "count"): "6",
        (2024, "Rehabmässan", "contacts", "total", "count"): "250",
    }


def test_driftredovisning_with_month_ranges_and_a_deviation_column():
    """'Utfall jan-dec 2025 | Aktuell budget jan-dec 2025 | Avvikelse utfall – budget | Utfall
    jan-dec 2024': month words do not make the header too long, and the deviation column is
    the year of the columns before it."""
    text = (
        "5. Driftredovisning\n\n"
        "Belopp i kr\tUtfall jan-dec 2025\tAktuell budget jan-dec 2025\tAvvikelse utfall – budget\tUtfall jan-dec 2024\n"
        "Medlemsavgift+övr intäkter\t19 102 199\t19 058 000\t44 199\t19 130 084\n"
        "Nettokostnad inkl finansiella poster\t-15 600 326\t-16 877 182\t1 276 856\t-19 332 328\n"
        "Resultat\t3 501 873\t2 180 818\t1 321 055\t-202 244\n"
        "Likvida medel\t8 161 947\t\t\t4 493 208\n"
    )
    rows = {
        (r.row["year"], r.row["basis"], r.row["item"]): (r.row["value"], r.row["unit"])
        for r in propose_text(text).of("financials")
        if r.row["statement"] == "operating_statement"
    }
    assert rows[(2025, "utfall", "operating_income")] == ("19102199", "kr")
    assert rows[(2025, "budget", "net_costs_incl_financial")] == ("-16877182", "kr")
    assert rows[(2025, "avvikelse", "net_result")] == ("1321055", "kr")
    assert rows[(2024, "utfall", "net_result")] == ("-202244", "kr")
    assert rows[(2024, "utfall", "cash_closing")] == ("4493208", "kr")
    assert len(rows) == 14
    columns, _ = header_columns("Belopp i kr\tUtfall jan-dec 2025\tAvvikelse\tUtfall jan-dec 2024")
    assert [(c.year, c.basis) for c in columns] == [(2025, "utfall"), (2025, "avvikelse"), (2024, "utfall")]


def test_gender_words_are_read_through_the_aliases_file(tmp_path):
    aliases = load_aliases()
    assert [aliases.gender(w) for w in ("Kvinnor", "män", "Män", "Totalt", "Summa", "annat", "deltagare")] == [
        "kvinna",
        "man",
        "man",
        "total",
        "total",
        "annat",
        None,
    ]
    bad = tmp_path / "aliases.yaml"
    bad.write_text("genders:\n  kvinnan: [kvinnor]\nitems: {}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'kvinnan' is not a gender of vocabulary.yaml"):
        load_aliases(bad)
