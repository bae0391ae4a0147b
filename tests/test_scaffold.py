"""`finsam new` / data.scaffold.scaffold_document: a valid folder before the first figure."""

from __future__ import annotations

import hashlib

import pytest
import yaml

from finsam_analysis.cli import main
from finsam_analysis.data.build import build_tables
from finsam_analysis.data.loader import load_raw
from finsam_analysis.data.scaffold import missing_tables, scaffold_document, table_header
from finsam_analysis.data.targets import unreportable

TEXT = "Delårsrapport januari–augusti 2025\nÅrets resultat per 31 augusti: 1 234 567 kr\n"


def test_scaffold_makes_a_folder_that_loads_and_is_listed_as_unreportable(tmp_path):
    raw = tmp_path / "raw"
    folder = scaffold_document(
        raw,
        "nytt-forbund",
        "delarsrapport-2025-09-30",
        "delarsrapport",
        TEXT,
        name="Samordningsförbundet Nytt",
        period="jan-aug",
    )
    source = yaml.safe_load((folder / "source.yaml").read_text(encoding="utf-8"))
    assert source["sha256"] == hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    assert (source["kind"], source["fiscal_year"], source["years"], source["period"]) == (
        "delarsrapport",
        2025,
        [2025, 2025],
        "jan-aug",
    )
    assert str(source["date"]) == "2025-09-30" and source["title"] == "Delårsrapport 2025"
    assert table_header("financials") == "statement,year,basis,item,value,unit,section,page,note,period,approx,printed"
    [forbund] = load_raw(raw)
    assert forbund.meta["name"] == "Samordningsförbundet Nytt" and [d.document_id for d in forbund.documents] == [
        "delarsrapport-2025-09-30"
    ]
    assert unreportable(build_tables(raw)) == {
        "nytt-forbund": "Förbundets dokument har inga tabeller med siffror ännu."
    }
    assert len(missing_tables(folder)) == 7
    assert [m["name"] for m in forbund.meta["members"]] == ["Försäkringskassan", "Arbetsförmedlingen"]
    # the curator types one figure: the folder builds, the row carries the document's period
    (folder / "financials.csv").write_text(
        table_header("financials") + "\ntext,2025,utfall,net_result,1234567,kr,Ekonomi,,,,,\n", encoding="utf-8"
    )
    fin = build_tables(raw).financials
    assert fin[["year", "item", "period", "value_sek"]].values.tolist() == [[2025, "net_result", "jan-aug", 1234567.0]]


def test_scaffold_refuses_what_would_not_be_valid(tmp_path):
    raw = tmp_path / "raw"
    scaffold_document(raw, "nytt", "arsredovisning-2024", "arsredovisning", TEXT, date="2025-03-01")
    with pytest.raises(FileExistsError):
        scaffold_document(raw, "nytt", "arsredovisning-2024", "arsredovisning", TEXT, date="2025-03-01")
    with pytest.raises(ValueError, match="expected protokoll-<year> or protokoll-<yyyy-mm-dd>"):
        scaffold_document(raw, "nytt", "arsredovisning-2023", "protokoll", TEXT)
    with pytest.raises(ValueError, match="give the date"):
        scaffold_document(raw, "nytt", "budget-2025", "budget", TEXT)
    with pytest.raises(ValueError, match="needs its address"):
        scaffold_document(raw, "nytt", "webbtext-2025-04-02", "webbtext", TEXT)
    with pytest.raises(ValueError, match="not a period"):
        scaffold_document(raw, "nytt", "delarsrapport-2025", "delarsrapport", TEXT, date="2025-09", period="aug-jan")
    with pytest.raises(ValueError, match="slug"):
        scaffold_document(raw, "../x", "budget-2025", "budget", TEXT, date="2024-12")


def test_finsam_new_command(tmp_path, capsys):
    source = tmp_path / "pressmeddelande.txt"
    source.write_text("Förbundet hade drygt 250 deltagare 2024.\n", encoding="utf-8")
    raw = tmp_path / "raw"
    code = main(
        [
            "new",
            "webb-forbund",
            "webbtext-2025-03-14",
            "--kind",
            "webbtext",
            "--source",
            str(source),
            "--raw",
            str(raw),
            "--url",
            "https://example.org/nyhet",
            "--years",
            "2024",
            "2024",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "loads and validates" in out and "ATT FYLLA I" in out
    assert (
        "  participants.csv: year,intervention,group,measure,gender,value,unit,section,page,note,period,approx,printed"
        in out
    )
    meta = yaml.safe_load((raw / "webb-forbund" / "webbtext-2025-03-14" / "source.yaml").read_text(encoding="utf-8"))
    assert meta["url"] == "https://example.org/nyhet" and meta["original_file"] == "pressmeddelande.txt"
    assert (
        main(
            [
                "new",
                "webb-forbund",
                "webbtext-2025-03-14",
                "--kind",
                "webbtext",
                "--source",
                str(source),
                "--raw",
                str(raw),
            ]
        )
        == 2
    )
