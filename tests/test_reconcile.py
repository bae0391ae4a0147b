"""The reconciliation engine on a tiny synthetic förbund: identities, tolerances, registration."""

import pytest
from helpers import SYNTHETIC_FINANCIALS, write_synthetic

from finsam_analysis.checks.reconcile import reconcile
from finsam_analysis.data.build import build_tables
from finsam_analysis.data.errors import CurationError

DOC = "testforbund/arsredovisning-2024"


def results_for(tmp_path, financials=SYNTHETIC_FINANCIALS, registered="", checks=None, **kwargs):
    extra = {"known_discrepancies.csv": "check_id,expected,actual,difference,kind,explanation\n" + registered}
    if checks:
        extra["checks.yaml"] = checks
    raw = write_synthetic(tmp_path / "raw", financials=financials, extra=extra, **kwargs)
    return reconcile(build_tables(raw)).set_index("check_id")


def test_consistent_document_passes_every_check(tmp_path):
    results = results_for(tmp_path)
    assert set(results["status"]) == {"ok"}
    assert {
        "rr_identity:2024:utfall",
        "equity_roll_forward:2024",
        "law_share_staten:2024:utfall:Not 1",
        "member_share_pct:2024:utfall:Testby:Not 1",
    } <= set(results.index)


def test_one_krona_off_in_the_income_statement_is_a_finding(tmp_path):
    results = results_for(tmp_path, financials=SYNTHETIC_FINANCIALS.replace("-900000.50", "-900001.50"))
    row = results.loc["rr_identity:2024:utfall"]
    assert row["status"] == "unexplained"
    assert row["difference"] == pytest.approx(-1.0)
    assert row["suggested_kind"] == "material"  # öre-precise figures: no rounding excuse


def test_tkr_figure_within_half_a_unit_of_kronor_is_ok_and_beyond_is_not(tmp_path):
    ok = results_for(
        tmp_path / "a",
        financials=SYNTHETIC_FINANCIALS.replace("net_result,100000.00,kr", "net_result,100400.00,kr")
        .replace("operating_income,999500.00", "operating_income,999900.00")
        .replace("equity,300000,kr", "equity,300400,kr"),
    )
    assert (
        ok.loc[
            "repeated:financials:2024:utfall:net_result:income_statement/Resultaträkning|overview/Översikt", "status"
        ]
        == "ok"
    )
    bad = results_for(
        tmp_path / "b", financials=SYNTHETIC_FINANCIALS.replace("net_result,100,tkr", "net_result,101,tkr")
    )
    row = bad.loc["repeated:financials:2024:utfall:net_result:income_statement/Resultaträkning|overview/Översikt"]
    assert (row["status"], row["difference"]) == ("unexplained", 1000.0)


def test_registered_finding_passes_and_a_changed_figure_fails_again(tmp_path):
    off = SYNTHETIC_FINANCIALS.replace("-900000.50", "-900001.50")
    registered = "rr_identity:2024:utfall,100000,99999,-1,rounding,test\n"
    assert (
        results_for(tmp_path / "a", financials=off, registered=registered).loc["rr_identity:2024:utfall", "status"]
        == "registered"
    )
    moved = SYNTHETIC_FINANCIALS.replace("-900000.50", "-900002.50")
    assert (
        results_for(tmp_path / "b", financials=moved, registered=registered).loc["rr_identity:2024:utfall", "status"]
        == "changed"
    )


def test_registration_of_a_passing_check_is_stale(tmp_path):
    registered = "rr_identity:2024:utfall,1,2,1,material,test\nno_such_check,1,2,1,material,test\n"
    results = results_for(tmp_path, registered=registered)
    assert results.loc[["rr_identity:2024:utfall", "no_such_check"], "status"].tolist()[-2:] == ["stale", "stale"]


def test_document_checks_yaml_sum_and_year_offset(tmp_path):
    checks = """
sums:
  - id: result_is_income_plus_costs
    table: financials
    where: {statement: income_statement}
    for_each: [year]
    total: {item: net_result}
    parts:
      - {item: operating_income}
      - {item: operating_costs}
"""
    results = results_for(tmp_path, checks=checks)
    row = results.loc["result_is_income_plus_costs:2024"]
    assert (row["status"], row["difference"]) == ("unexplained", pytest.approx(-500.5))


def test_bad_check_definition_names_file_and_rule(tmp_path):
    checks = "sums:\n  - id: broken\n    table: financials\n    for_each: [year]\n    total: {itemm: net_result}\n    parts: [{item: equity}]\n"
    # a typo in a rule is bad input: the build stops at load, naming file, line and rule
    with pytest.raises(CurationError, match=r"checks.yaml:2: broken: .*column 'itemm' is not in table financials"):
        results_for(tmp_path, checks=checks)


def test_law_shares_find_an_uneven_split(tmp_path):
    members = "year,basis,member,member_kind,value,unit,share_pct,section,page,note\n2024,utfall,Försäkringskassan,staten,500000,kr,,Not 1,,\n2024,utfall,Region Test,region,260000,kr,,Not 1,,\n2024,utfall,Testby,kommun,240000,kr,,Not 1,,\n"
    results = results_for(tmp_path, members=members)
    assert results.loc["law_share_region:2024:utfall:Not 1", "difference"] == pytest.approx(-10000)
    assert results.loc["law_share_staten:2024:utfall:Not 1", "status"] == "ok"


def test_document_can_skip_a_package_rule_with_a_reason(tmp_path):
    off = SYNTHETIC_FINANCIALS.replace("-900000.50", "-900001.50")
    skip = "skip:\n  - {rule: rr_identity, reason: contributions are booked among the financial items}\n"
    results = results_for(tmp_path / "a", financials=off, checks=skip)
    assert "rr_identity:2024:utfall" not in results.index
    with pytest.raises(CurationError, match="checks.yaml:2: skip: 'no_rule' is not a package rule"):
        results_for(tmp_path / "b", checks="skip:\n  - {rule: no_rule, reason: x}\n")
    with pytest.raises(
        CurationError, match="checks.yaml:2: skip\\[0\\]: missing key 'reason'; expected a mapping \\(rule, reason\\)"
    ):
        results_for(tmp_path / "c", checks="skip:\n  - {rule: rr_identity}\n")
