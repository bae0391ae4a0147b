"""Privacy at every exit: no report publishes a personnummer, none is ever printed in full,
and the repository holds none (`finsam scan`, run by `make test` and CI).

The personnummer is built at run time (PNR), so that no line of this file holds one.
"""

from __future__ import annotations

import argparse
import json

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell
from test_reports import (  # noqa: F401 - hash_inputs is an autouse fixture
    files_in,
    financials,
    hash_inputs,
    make_template,
    tables_with,
    temp_leftovers,
)

from finsam_analysis.checks import processed as checks_processed
from finsam_analysis.cli import add_reports_parser, main
from finsam_analysis.data import paths
from finsam_analysis.publish import scan
from finsam_analysis.publish.runner import ReportTarget, run_reports

slow = pytest.mark.slow
PNR = "121212" + "-" + "1212"  # valid date and check digit
MASKED = "121212-****"


@pytest.fixture()
def out(tmp_path):
    return tmp_path / "reports"


def template_with_markdown(path, text):
    template = make_template(path, "pass")
    nb = nbformat.read(template, as_version=4)
    nb.cells.insert(1, new_markdown_cell(text))
    nbformat.write(nb, template)
    return template


def test_a_personnummer_in_the_templates_markdown_refuses_the_run(tmp_path, out):
    template = template_with_markdown(tmp_path / "t.ipynb", f"Kontakt: Anna, {PNR}")
    with pytest.raises(scan.PersonnummerError) as info:
        run_reports([ReportTarget("alpha", 2024)], template=template, out_dir=out, progress=False)
    message = str(info.value)
    assert "t.ipynb (cell 1 markdown source, line 1): looks like a personnummer" in message
    assert MASKED in message and PNR not in message and "nothing was rendered" in message
    assert not out.exists()


def test_a_personnummer_in_a_known_discrepancy_refuses_the_run(tmp_path, out):
    doc = paths.RAW_DIR / "alpha" / "arsredovisning-2024"  # raw of the autouse hash_inputs fixture
    doc.mkdir()
    (doc / "known_discrepancies.csv").write_text(
        f"check_id,expected,actual,difference,kind,explanation\nx,1,2,1,typo,Rättad av handläggare {PNR}\n",
        encoding="utf-8",
    )
    template = make_template(tmp_path / "t.ipynb", "pass")
    with pytest.raises(scan.PersonnummerError, match=r"known_discrepancies.csv:2: looks like") as info:
        run_reports([ReportTarget("alpha", 2024)], template=template, out_dir=out, progress=False)
    assert PNR not in str(info.value) and MASKED in str(info.value)
    assert not out.exists()


def test_the_cli_exits_2_and_prints_the_number_masked(tmp_path, monkeypatch, capsys):
    template = template_with_markdown(tmp_path / "t.ipynb", PNR)
    tables = tables_with(financials())
    monkeypatch.setattr(checks_processed, "refresh_processed", lambda *a, **k: tables)
    monkeypatch.setattr(paths, "REPORT_TEMPLATE", template)
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path / "cli-reports")
    parser = argparse.ArgumentParser(prog="finsam")
    add_reports_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["reports", "--no-progress"])
    assert args.func(args) == 2
    captured = capsys.readouterr()
    assert MASKED in captured.err and PNR not in captured.err + captured.out
    assert "Traceback" not in captured.err
    assert not (tmp_path / "cli-reports").exists()


@slow
def test_a_report_whose_output_holds_a_personnummer_is_not_published(tmp_path, out):
    # Computed in the kernel, so that only the executed notebook (and its HTML) hold it.
    template = make_template(
        tmp_path / "t.ipynb",
        'import sys\nnumber = "121212" + "-" + "1212"\nprint("Handläggare", number)\n'
        'print("stderr", number, file=sys.stderr)',
    )
    year_dir = out / "2024"
    year_dir.mkdir(parents=True)
    (year_dir / "alpha.html").write_text("PREVIOUS GOOD HTML")
    (result,) = run_reports([ReportTarget("alpha", 2024)], template=template, out_dir=out, progress=False).results
    assert result.status == "failed" and result.ename == "PersonnummerFound"
    assert "reports/2024/alpha.ipynb (cell 3 output, line 1): looks like a personnummer" in result.error
    assert MASKED in result.error and "not published" in result.error
    assert (year_dir / "alpha.html").read_text() == "PREVIOUS GOOD HTML"
    assert not (year_dir / "alpha.ipynb").exists() and not (year_dir / "alpha.failed.ipynb").exists()
    assert temp_leftovers(out) == []
    for name in files_in(out):  # record, index, log: masked everywhere
        assert PNR not in (out / name).read_text(encoding="utf-8"), name
    record = json.loads((out / "build-record.json").read_text())
    assert record["reports"]["2024/alpha"]["error"] == result.error


def test_html_is_scanned_with_entities_decoded_and_images_skipped():
    digits = PNR.replace("-", "")
    page = f'<html>\n<p>ok</p>\n<td>121212&#45;1212</td>\n<img src="data:image/png;base64,AAAA{digits}AAAA">\n'
    assert scan.text_hits(page)  # the image payload alone would be a false hit
    found = scan.scan_html(page, "2024/alpha.html")
    assert [(f.file, f.line, f.masked) for f in found] == [("2024/alpha.html", 3, MASKED)]


def test_mask_hides_every_digit_of_a_personnummer_and_nothing_else():
    text = f"cell 3: raise ValueError('{PNR}') | year 2024"
    assert scan.mask(text) == "cell 3: raise ValueError('******-****') | year 2024"
    assert scan.mask("nothing here 2024") == "nothing here 2024" and scan.mask(None) is None


def test_finsam_scan_finds_masks_and_exits_1(tmp_path, capsys):
    (tmp_path / "notes.md").write_text(f"rad ett\nringde {PNR}\n", encoding="utf-8")
    (tmp_path / "clean.csv").write_text("year,value\n2024,1\n", encoding="utf-8")
    assert main(["scan", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "notes.md:2: looks like a personnummer (121212-****)" in err and PNR not in err
    assert main(["scan", str(tmp_path / "clean.csv")]) == 0
    assert main(["scan", str(tmp_path / "missing")]) == 2


def test_the_repository_holds_no_personnummer(capsys):
    findings, read = scan.scan_paths([], paths.PROJECT_ROOT)
    assert read > 50
    assert findings == [], "\n".join(f.format() for f in findings)


def test_build_refuses_a_personnummer_before_anything_reaches_data_processed(tmp_path, capsys):
    from helpers import SYNTHETIC_FINANCIALS, write_synthetic

    noted = SYNTHETIC_FINANCIALS.replace(",Översikt,,\n", f",Översikt,,enligt {PNR}\n")
    assert noted != SYNTHETIC_FINANCIALS
    raw = write_synthetic(tmp_path / "b" / "raw", financials=noted)
    out = tmp_path / "b" / "processed"
    assert main(["build", "--raw", str(raw), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "financials.csv:6: looks like a personnummer (121212-****)" in err
    assert PNR not in err and "Traceback" not in err
    assert not out.exists() and not list(out.parent.glob(".processed-*"))


def test_downloads_are_scanned_member_by_member(tmp_path):
    import zipfile

    archive = tmp_path / "alpha-tabeller.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("deltagare.csv", "år,antal\n2024,12\n")
        zf.writestr("noter.csv", f"rad\nhandläggare {PNR}\n")
    found = scan.scan_download(archive, "2024/alpha-tabeller.zip")
    assert [f.format() for f in found] == [f"2024/alpha-tabeller.zip!noter.csv:2: looks like a personnummer ({MASKED})"]
