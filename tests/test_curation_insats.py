"""intervention_finance proposals: per-insats tables, insats cards and lists; the proposed header."""

from __future__ import annotations

import csv
import textwrap

from finsam_analysis.curation.insatser import interventions_of
from finsam_analysis.curation.propose import propose_text, proposed_header, write_proposals
from finsam_analysis.data.schema import TABLES

INSATSER = interventions_of(
    [
        {"intervention": "Totalt", "parent": "", "description": "Summa of the table"},
        {"intervention": "Administration", "parent": "Totalt", "description": "Printed 'Kansli inkl. styrelse'"},
        {"intervention": "Samordningsteamet", "parent": "Totalt", "description": "Individual insats"},
        {"intervention": "Projekt Alfa", "parent": "Totalt", "description": "ESF project"},
        {"intervention": "Mötesplatsen", "parent": "Totalt", "description": "Printed 'Mötesplats'"},
        {"intervention": "Drift", "parent": "", "description": "Drifts- och administrativa kostnader: kansli"},
        {"intervention": "Strukturinsatser", "parent": "", "description": "Trainings"},
    ]
)


def finance(text, fiscal_year=2024, names=INSATSER):
    found = propose_text(textwrap.dedent(text), fiscal_year=fiscal_year, interventions=names)
    return {
        (r["year"], r["basis"], r["intervention"], r["measure"]): (r["value"], r["unit"])
        for r in (p.row for p in found.of("intervention_finance"))
    }


def test_a_table_of_insatser_by_year_printed_without_signs():
    text = """
    Insatskostnader per insats
    2024 2023

    Samordningsteamet 1 560 869 1 750 227

    Projekt Alfa (NY) 655 690 0

    Mötesplats 23 262 12 000

    Total 2 239 821 1 762 227
    NOT 3 Avskrivningar
    """
    found = finance(text)
    assert found[(2024, "utfall", "Samordningsteamet", "cost")] == ("-1560869", "kr")
    assert found[(2023, "utfall", "Projekt Alfa", "cost")] == ("0", "kr")
    assert found[(2024, "utfall", "Mötesplatsen", "cost")] == ("-23262", "kr")
    assert found[(2023, "utfall", "Totalt", "cost")] == ("-1762227", "kr")  # the parent of every row
    assert len(found) == 8


def test_bases_above_the_years_and_a_header_label():
    text = """
    \tPrognos\tBudget
    UTGIFTER\t2023\t2024
    Kansli inkl. styrelse\t3 974 750\t3 863 288
    Samordningsteamet\t2 398 339\t2 078 392
    Utgifter totalt\t6 373 089\t5 941 680
    """
    found = finance(text)
    assert found[(2023, "prognos", "Administration", "cost")] == ("-3974750", "kr")
    assert found[(2024, "budget", "Samordningsteamet", "cost")] == ("-2078392", "kr")
    assert not any(k[2] == "Totalt" for k in found)  # "Utgifter totalt" is no insats and no bare total


def test_a_two_line_header_with_measures_and_a_wrong_unit():
    text = """
    5. Driftredovisning

    Belopp tkr\tUtfall 2024\t\t\tBudget 2024\tAvvikelse 2024\tUtfall 2023\t\t
    \tIntäkt\tKostnad\tNetto\tNetto\tUtfall- Budget netto\tIntäkt\tKostnad\tNetto
    Kansli inkl. styrelse\t4 720 000\t1 201 799\t3 518 201\t3 613 500\t- 95 299\t5 222 000\t1 392 951\t3 829 049
    Samordningsteam\t-\t2 968 892\t- 2 968 892\t- 2 782 952\t- 185 940\t-\t-\t-
    Summa\t4 720 000\t4 170 691\t549 309\t830 548\t- 281 239\t5 222 000\t1 392 951\t3 829 049
    """
    found = finance(text)
    assert found[(2024, "utfall", "Administration", "income")] == ("4720000", "kr")  # 'tkr' in millions: kronor
    assert found[(2024, "utfall", "Administration", "cost")] == ("-1201799", "kr")
    assert found[(2024, "budget", "Samordningsteamet", "net")] == ("-2782952", "kr")
    assert found[(2024, "utfall", "Samordningsteamet", "deviation")] == ("-185940", "kr")
    assert found[(2023, "utfall", "Totalt", "cost")] == ("-1392951", "kr")
    assert (2023, "utfall", "Samordningsteamet", "cost") not in found  # printed "-"


def test_a_table_that_prints_signs_keeps_them_and_an_unlabelled_sum_is_the_parent():
    names = interventions_of(
        [
            {"intervention": "Projekt", "parent": "", "description": ""},
            {"intervention": "Vilja", "parent": "Projekt", "description": ""},
            {"intervention": "Vilja faktiska", "parent": "Projekt", "description": "Printed 'VILJA -faktiska'"},
            {"intervention": "Återföring", "parent": "Projekt", "description": "Printed 'Återförd uppbokning'"},
        ]
    )
    text = """
    Nettokostnad i tkr per område\tUtfall jan-dec 2024
    VILJA -faktiska\t-570
    VILJA\t-4 129
    Återförd uppbokning\t600
    \t-4 099
    """
    found = finance(text, names=names)
    assert found == {
        (2024, "utfall", "Vilja faktiska", "cost"): ("-570", "tkr"),
        (2024, "utfall", "Vilja", "cost"): ("-4129", "tkr"),
        (2024, "utfall", "Återföring", "cost"): ("600", "tkr"),
        (2024, "utfall", "Projekt", "cost"): ("-4099", "tkr"),
    }


def test_tables_that_are_not_per_insats_are_not_read():
    text = """
    NOT 2 Verksamhetens kostnader
    2024 2023
    Samordningsteamet 100 200
    Lokalkostnader 300 400
    Personalkostnader 500 600
    Summa 900 1 200
    """
    assert finance(text) == {}  # one insats among items
    assert finance(text.replace("Samordningsteamet", "Projekt Alfa"), names=interventions_of([])) == {}


def test_insats_card_and_a_list_of_insatser_with_amounts():
    text = """
    1.10 Uppföljning av individinsatser

    SAMORDNINGSTEAMET
    Huvudman\tEn kommun
    Budget\t2 782 952 kr
    Utfall\t2 968 892 kr
    Avvikelse\t- 185 940 kr
    Kostnad/deltagare\t20 475 kr/deltagare

    1.6 Finansierade insatser
    Förbundet har under året finansierat insatser enligt följande:

    Strukturinsatser:  197 193 kr

    a. Mötesplats 23 262 kr
    Drifts- och administrativa kostnader:    5 296 881 kr
    """
    found = finance(text)
    assert found == {
        (2024, "budget", "Samordningsteamet", "cost"): ("-2782952", "kr"),
        (2024, "utfall", "Samordningsteamet", "cost"): ("-2968892", "kr"),
        (2024, "utfall", "Samordningsteamet", "deviation"): ("-185940", "kr"),
        (2024, "utfall", "Samordningsteamet", "cost_per_participant"): ("-20475", "kr"),
        (2024, "utfall", "Strukturinsatser", "cost"): ("-197193", "kr"),
        (2024, "utfall", "Mötesplatsen", "cost"): ("-23262", "kr"),
        (2024, "utfall", "Drift", "cost"): ("-5296881", "kr"),
    }


def test_the_proposed_header_has_every_column_once(tmp_path):
    for table in TABLES:
        header = proposed_header(TABLES[table].column_names)
        assert len(header) == len(set(header))
    text = "Insatskostnader per insats\n2024 2023\nSamordningsteamet 100 200\nMötesplats 5 6\nTotal 105 206\n"
    (tmp_path / "source.txt").write_text(text, encoding="utf-8")
    write_proposals(tmp_path, propose_text(text, fiscal_year=2024, interventions=INSATSER))
    with open(tmp_path / "proposed" / "intervention_finance.csv", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    assert len(header) == len(set(header)) and header.count("printed") == 1
    assert header[-3:] == ["confidence", "as_printed", "line"]
    row = dict(zip(header, rows[0]))
    assert row["printed"] == "" and row["as_printed"] == "100"


MEMBERS = {
    "Försäkringskassan": "staten",
    "Arbetsförmedlingen": "staten",
    "Region Provland": "region",
    "Provby": "kommun",
    "Ås": "kommun",
}


def test_member_table_without_years_with_the_kommuner_beside_a_row():
    text = """
    Not 2. Verksamhetens intäkter

    Ägarparternas bidrag\ttkr\t
    Försäkringskassa\t4 505,5\tProvby 2252,1 Ås 191,0
    Arbetsförmedlingen\t4 505,5\t
    Kommuner\t2 443,1\t
    Delregionala nämnden norra\t2 443,1\t
    Totalt\t13 897,2\t
    """
    found = propose_text(textwrap.dedent(text), members=MEMBERS, fiscal_year=2024).of("member_contributions")
    got = {(r.row["year"], r.row["member"], r.row["member_kind"]): (r.row["value"], r.row["unit"]) for r in found}
    assert got == {
        (2024, "Försäkringskassan", "staten"): ("4505.5", "tkr"),
        (2024, "Provby", "kommun"): ("2252.1", "tkr"),
        (2024, "Ås", "kommun"): ("191.0", "tkr"),
        (2024, "Arbetsförmedlingen", "staten"): ("4505.5", "tkr"),
        (2024, "*", "kommun"): ("2443.1", "tkr"),
        (2024, "Region Provland", "region"): ("2443.1", "tkr"),  # the region pays through its nämnd
        (2024, "*", "*"): ("13897.2", "tkr"),
    }


def test_number_after_a_phrase_is_the_one_sentence_shape():
    from finsam_analysis.curation.sentences import number_after

    target = number_after(r"\bmålet\b[^.]{0,40}?\bminst\s+", tail=r"\s+deltagare")
    assert target.search("Målet för året var minst 1 500 deltagare.").group("n") == "1 500"
    share = number_after(r"andelen\s+", r"(?P<n>\d+)", r"\s*%", approx=True)
    found = share.search("andelen ca 40 %")
    assert (found.group("approx"), found.group("n")) == ("ca", "40")


def test_a_figure_given_twice_for_one_insats_keeps_the_measure_its_sentence_names():
    from finsam_analysis.curation.insatser import Interventions

    text = """
    I Projekt Alfa har 654 individer, 542 kvinnor och 112 män, redovisats till och med november.

    Projekt Alfa har redovisat att 654 individer, 542 kvinnor och 112 män har deltagit i kompetensutvecklingsinsatser.
    """
    found = propose_text(textwrap.dedent(text), fiscal_year=2024, interventions=Interventions(["Projekt Alfa"]))
    got = {(r.row["intervention"], r.row["measure"], r.row["gender"], r.row["value"]) for r in found.of("participants")}
    assert got == {
        ("Projekt Alfa", "contacts", "total", "654"),
        ("Projekt Alfa", "contacts", "kvinna", "542"),
        ("Projekt Alfa", "contacts", "man", "112"),
    }
