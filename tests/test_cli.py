"""The `finsam` command: exit codes and messages a user sees."""

import shutil

import pytest
from helpers import SYNTHETIC_FINANCIALS, write_synthetic

from finsam_analysis.cli import main


def test_validate_passes_on_the_curated_data(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "checks on 3 förbund" in out


def test_validate_fails_on_an_unexplained_finding(tmp_path, capsys):
    raw = write_synthetic(tmp_path / "raw", financials=SYNTHETIC_FINANCIALS.replace("-900000.50", "-900001.50"))
    assert main(["validate", "--raw", str(raw)]) == 1
    captured = capsys.readouterr()
    assert "unexplained" in captured.out and "rr_identity:2024:utfall" in captured.out
    assert "FAILED: 1 finding(s) not explained" in captured.err


def test_validate_fails_on_a_personnummer_in_raw_data(tmp_path, capsys):
    raw = write_synthetic(tmp_path / "raw")
    (raw / "testforbund" / "arsredovisning-2024" / "notes.txt").write_text(
        "deltagare 19121212-1212\n", encoding="utf-8"
    )
    assert main(["validate", "--raw", str(raw)]) == 1
    assert "looks like a personnummer" in capsys.readouterr().err


def test_bad_input_exits_2_with_file_and_line(tmp_path, capsys):
    raw = write_synthetic(
        tmp_path / "raw", financials=SYNTHETIC_FINANCIALS + "overview,2024,utfall,net_result,5,tkr ,Ö,,\n"
    )
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "out")]) == 2
    assert "financials.csv:9: unit: 'tkr ' is not one of" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_build_writes_processed_atomically_and_keeps_old_data_on_failure(tmp_path, capsys):
    raw = write_synthetic(tmp_path / "raw")
    out = tmp_path / "processed"
    assert main(["build", "--raw", str(raw), "--out", str(out)]) == 0
    before = (out / "financials.csv").read_text(encoding="utf-8")
    assert "income_statement" in before
    bad = raw / "testforbund" / "arsredovisning-2024" / "financials.csv"
    bad.write_text(SYNTHETIC_FINANCIALS + "x,2024,utfall,net_result,1,kr,S,,\n", encoding="utf-8")
    assert main(["build", "--raw", str(raw), "--out", str(out)]) == 2
    assert (out / "financials.csv").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".processed.lock") == [
        "processed",
        "raw",
    ]  # no temp leftovers


def test_failure_while_writing_leaves_previous_output(tmp_path, monkeypatch):
    from finsam_analysis.data import build

    raw = write_synthetic(tmp_path / "raw")
    out = tmp_path / "processed"
    tables = build.build_tables(raw)
    build.write_processed(tables, out)
    before = sorted(p.name for p in out.iterdir())

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(build.pd.DataFrame, "to_csv", broken)
    with pytest.raises(OSError, match="disk full"):
        build.write_processed(tables, out)
    assert sorted(p.name for p in out.iterdir()) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".processed.lock") == ["processed", "raw"]


def test_validate_runs_tick_and_tie_and_fails_on_a_figure_missing_from_the_source(tmp_path, capsys):
    raw = write_synthetic(tmp_path / "raw")
    source = raw / "testforbund" / "arsredovisning-2024" / "source.txt"
    # the synthetic text prints only the result; every other curated figure is missing from it
    assert "100 000,00" in source.read_text(encoding="utf-8")
    assert main(["validate", "--raw", str(raw)]) == 1
    err = capsys.readouterr().err
    assert (
        "testforbund/arsredovisning-2024/financials.csv:2: 999500.0 (Resultaträkning): not found in source.txt" in err
    )
    assert "financials.csv:5:" not in err  # line 5 is the result, which the text prints
    assert "11 figure(s) not in their source text" in err


def test_reconcile_refuses_tables_read_back_from_processed(tmp_path):
    import finsam_analysis
    from finsam_analysis.checks.reconcile import reconcile
    from finsam_analysis.data.build import build_tables, write_processed

    raw = write_synthetic(tmp_path / "raw")
    out = write_processed(build_tables(raw), tmp_path / "processed")
    back = finsam_analysis.load(out)
    # provenance travels: every processed row names its CSV line
    assert back.financials["line"].min() == 2
    with pytest.raises(ValueError, match="nothing could be checked"):
        reconcile(back)


def test_validate_reuses_the_findings_of_a_current_processed_folder(tmp_path, capsys, monkeypatch):
    from finsam_analysis.checks import reconcile

    raw = write_synthetic(tmp_path / "raw")
    processed = tmp_path / "processed"
    code = main(["validate", "--raw", str(raw), "--processed", str(processed)])  # 1: tick-and-tie
    computed = capsys.readouterr().out
    assert main(["build", "--raw", str(raw), "--out", str(processed)]) == 0
    capsys.readouterr()
    monkeypatch.setattr(reconcile, "reconcile", lambda *a, **k: pytest.fail("reconciled again"))
    assert main(["validate", "--all", "--raw", str(raw), "--processed", str(processed)]) == code
    reused = capsys.readouterr().out
    assert reused.splitlines()[-1].split(" in ")[0] == computed.splitlines()[-1].split(" in ")[0]
    assert "rr_identity:2024:utfall" in reused  # --all lists every check, from findings.csv
    # a build of some förbund only is not reused
    assert main(["build", "--raw", str(raw), "--out", str(processed), "--forbund", "testforbund"]) == 0
    with pytest.raises(pytest.fail.Exception, match="reconciled again"):
        main(["validate", "--raw", str(raw), "--processed", str(processed)])


def test_validate_fails_when_no_check_ran(tmp_path, capsys):
    raw = write_synthetic(tmp_path / "raw")
    for document in (raw / "testforbund").iterdir():
        if document.is_dir():
            shutil.rmtree(document)
    assert main(["validate", "--raw", str(raw)]) == 1
    captured = capsys.readouterr()
    assert "0 checks" in captured.out and "FAILED: no checks ran" in captured.err
