"""The synthetic fixture förbund (tests/fixtures/README.md): each shape builds, validates, ties
and renders a report with zero code change."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from helpers import FIXTURES_RAW

from finsam_analysis.checks.reconcile import FAILING, reconcile, reconcile_raw
from finsam_analysis.checks.tickandtie import untied_figures
from finsam_analysis.data import paths
from finsam_analysis.data.loader import load_raw
from finsam_analysis.data.precedence import preferred_table
from finsam_analysis.data.scaffold import scaffold_document
from finsam_analysis.data.targets import reportable_years, resolve_targets

FIXTURES = sorted(p.name for p in FIXTURES_RAW.iterdir() if (p / "forbund.yaml").exists())


def test_every_fixture_is_marked_synthetic():
    assert len(FIXTURES) == 5
    for slug in FIXTURES:
        assert "SYNTHETIC" in (FIXTURES_RAW / slug / "forbund.yaml").read_text(encoding="utf-8")
        for source in (FIXTURES_RAW / slug).glob("*/source.yaml"):
            assert "SYNTHETIC" in source.read_text(encoding="utf-8")
            assert (source.parent / "source.txt").read_text(encoding="utf-8").startswith("SYNTETISKT TESTDOKUMENT")


def test_fixtures_validate_and_tie(fixture_tables):
    results = reconcile(fixture_tables)
    assert set(results["forbund"]) == set(FIXTURES)
    assert results[results["status"].isin(FAILING)].empty
    assert untied_figures(load_raw(FIXTURES_RAW)) == []


def test_periods_travel_to_processed_data_and_stay_out_of_precedence(fixture_tables):
    fin = fixture_tables.financials
    delar = fin[fin["forbund"] == "syntet-delar"]
    assert sorted(delar["period"].unique()) == ["helar", "jan-aug"]
    # a row's own period (the full-year forecast) beats the document's jan-aug
    forecast = delar[delar["basis"] == "prognos"]
    assert set(forecast["period"]) == {"helar"} and len(forecast) == 3
    picked = preferred_table(fixture_tables, "financials")
    picked = picked[
        (picked["forbund"] == "syntet-delar") & (picked["item"] == "net_result") & (picked["basis"] == "utfall")
    ]
    assert dict(zip(picked["year"], picked["value_sek"])) == {
        2024: -200000.0,
        2025: 150000.0,
    }  # never jan-aug 2025's 200 000
    pairs = reportable_years(fixture_tables)
    delar_years = pairs[pairs["forbund"] == "syntet-delar"]
    assert dict(zip(delar_years["year"], delar_years["full_year"])) == {2024: True, 2025: True, 2026: False}
    assert {str(t) for t in resolve_targets(fixture_tables)} == {
        "syntet-delar 2025",
        "syntet-deltagare 2024",
        "syntet-gammal 2008",
        "syntet-prosa 2023",
        "syntet-ungefar 2024",
    }
    sources = fixture_tables.sources.set_index("document")
    assert (
        sources.loc["delarsrapport-2026-09-15", "period"] == "jan-aug"
        and sources.loc["arsredovisning-2025", "period"] == "helar"
    )


def test_part_year_figures_are_checked_with_each_other_only(fixture_tables):
    results = reconcile(fixture_tables)
    ids = set(results.loc[results["forbund"] == "syntet-delar", "check_id"])
    assert {
        "rr_identity:2026:utfall:jan-aug",
        "rr_identity:2025:utfall:jan-aug",
        "rr_identity:2026:prognos",
        "rr_identity:2025:utfall",
    } <= ids
    assert not any(i.startswith("repeated:") for i in ids)  # jan-aug 2025 is not the full year 2025


def test_approximate_figures_travel_and_checks_use_the_printed_precision(fixture_tables):
    parts = fixture_tables.participants
    parts = parts[parts["forbund"] == "syntet-ungefar"]
    assert dict(zip(parts["gender"] + "/" + parts["measure"], parts["approx"].fillna(""))) == {
        "total/active": "drygt",
        "kvinna/active": "cirka",
        "man/active": "ca",
        "total/exited": "",
    }
    fin = fixture_tables.financials
    cost = fin[(fin["forbund"] == "syntet-ungefar") & (fin["item"] == "operating_costs")].iloc[0]
    assert (cost["value_sek"], cost["approx"], cost["printed"]) == (-7_200_000.0, "avrundat", "7.2 m.kr")
    results = reconcile(fixture_tables).set_index("check_id")
    gender = results.loc["gender_parts_vs_total:2024:*:*:active:Pressmeddelande"]
    assert (gender["expected"], gender["actual"], gender["status"]) == (260.0, 250.0, "ok")
    assert gender["tolerance"] == pytest.approx(65.005)  # drygt 260: 10, cirka 150: 5, ca 100: 50
    assert results.loc["text_result:2024", "tolerance"] == pytest.approx(100_000.005)  # ca 7,5 and 7,2 avrundat mkr


def test_without_the_approx_marker_the_same_figures_are_a_finding(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES_RAW / "syntet-ungefar", raw / "syntet-ungefar")
    path = raw / "syntet-ungefar" / "webbtext-2025-03-14" / "participants.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",drygt,", ",,").replace(",cirka,", ",,").replace(",ca,", ",,"),
        encoding="utf-8",
    )
    results = reconcile_raw(load_raw(raw)).set_index("check_id")
    assert results.loc["gender_parts_vs_total:2024:*:*:active:Pressmeddelande", "status"] in FAILING


def test_a_wrong_printed_form_does_not_tie(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES_RAW / "syntet-ungefar", raw / "syntet-ungefar")
    path = raw / "syntet-ungefar" / "webbtext-2025-03-14" / "financials.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("-7.2,mkr", "-7.3,mkr"), encoding="utf-8")
    assert untied_figures(load_raw(raw)) == [
        "syntet-ungefar/webbtext-2025-03-14/financials.csv:3: -7.3 (Pressmeddelande)"
    ]


def render_root(tmp_path):
    """A project root for FINSAM_ROOT: the fixtures, the reference data and the template."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES_RAW, root / "data" / "raw")
    shutil.copytree(paths.REFERENCE_DIR, root / "data" / "raw" / "reference")
    (root / "notebooks").mkdir()
    shutil.copy(paths.REPORT_TEMPLATE, root / "notebooks" / paths.REPORT_TEMPLATE.name)
    return root


def finsam(root, *args):
    env = dict(os.environ, FINSAM_ROOT=str(root))
    return subprocess.run(
        [sys.executable, "-m", "finsam_analysis.cli", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_every_fixture_renders_through_the_runner_and_the_index_lists_every_forbund(tmp_path):
    root = render_root(tmp_path)
    # a förbund just scaffolded (no figures yet) is on the index with its reason, never skipped
    scaffold_document(
        root / "data" / "raw",
        "syntet-tom",
        "arsredovisning-2025",
        "arsredovisning",
        "SYNTETISKT TESTDOKUMENT\n",
        date="2026-03-01",
        name="Syntetiska samordningsförbundet Tom",
    )
    assert finsam(root, "build").returncode == 0
    assert finsam(root, "validate").returncode == 0
    run = finsam(root, "reports", "--no-progress", "--jobs", "2")
    assert run.returncode == 0, run.stdout + run.stderr
    for target in (
        "2025/syntet-delar",
        "2024/syntet-deltagare",
        "2008/syntet-gammal",
        "2023/syntet-prosa",
        "2024/syntet-ungefar",
    ):
        page = (root / "reports" / f"{target}.html").read_text(encoding="utf-8")
        assert "Datakvalitet" in page and "Året i korthet" in page, target
    assert "ca 7,5\u00a0mnkr" in (root / "reports" / "2024" / "syntet-ungefar.html").read_text(encoding="utf-8")
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    import yaml

    names = {
        p.parent.name: yaml.safe_load(p.read_text(encoding="utf-8"))["name"]
        for p in (root / "data" / "raw").glob("*/forbund.yaml")
    }
    for slug in FIXTURES + ["syntet-tom"]:
        assert f"<td>{names[slug]}</td>" in index, slug  # the full name, as forbund.yaml gives it
    assert "Förbundets dokument har inga tabeller med siffror ännu." in index
    # the part-year year on request; the empty förbund asked for by name counts as failed
    run = finsam(root, "reports", "--no-progress", "--forbund", "syntet-delar", "--year", "2026")
    assert run.returncode == 0, run.stdout + run.stderr
    page = (root / "reports" / "2026" / "syntet-delar.html").read_text(encoding="utf-8")
    assert "Delårsuppgifter" in page and "januari–augusti" in page and "KPI för 2026 finns inte" in page
    run = finsam(root, "reports", "--no-progress", "--forbund", "syntet-tom")
    assert run.returncode == 1 and "syntet-tom: no report" in run.stderr


def test_processed_text_columns_cover_the_schema():
    from finsam_analysis.data.build import TEXT_COLUMNS
    from finsam_analysis.data.schema import TABLES

    text = {
        c.name
        for spec in TABLES.values()
        if spec.name != "known_discrepancies"
        for c in spec.columns
        if c.kind == "str"
    }
    assert text <= set(TEXT_COLUMNS)


def test_a_forbund_read_back_from_processed_data_has_text_keys(tmp_path, fixture_tables):
    """Kernels read data/processed: an empty table read back must merge like a built one."""
    from finsam_analysis.data.build import load_processed, write_processed
    from finsam_analysis.measures import costs

    write_processed(fixture_tables, tmp_path / "processed", raw_dir=FIXTURES_RAW, findings=reconcile(fixture_tables))
    tables = load_processed(tmp_path / "processed", only=["syntet-prosa"])
    assert (
        tables.interventions["intervention"].dtype == object
        and tables.intervention_finance["intervention"].dtype == object
    )
    assert costs.cost_structure(tables.intervention_finance, tables.interventions).empty  # no str/float merge error
