"""The strict input contract: number grammar, strict YAML, schemas, BOM, manifest, rule binding."""

from __future__ import annotations

import pytest
from helpers import SYNTHETIC_FINANCIALS, write_synthetic

from finsam_analysis.checks.reconcile import RuleError, package_rules
from finsam_analysis.cli import main
from finsam_analysis.data import paths
from finsam_analysis.data.build import build_tables, load_processed, verify_manifest, write_processed
from finsam_analysis.data.errors import CurationError
from finsam_analysis.data.metadata import check
from finsam_analysis.data.numbers import parse_number, printed_decimals
from finsam_analysis.data.yamlfile import YamlFileError, parse_yaml


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("-22704789.01", "float", -22704789.01),
        ("0", "float", 0.0),
        ("0.5", "float", 0.5),
        ("18022", "float", 18022.0),
        ("2024", "year", 2024),
        ("0", "count", 0),
        ("650", "count", 650),
        ("100", "share", 100.0),
        ("0.0", "share", 0.0),
        ("-5", "int", -5),
        ("", "float", None),
    ],
)
def test_the_grammar_accepts_plain_numbers(text, kind, value):
    assert parse_number(text, kind) == (value, None)


@pytest.mark.parametrize(
    "text, kind, message",
    [
        ("1e6", "float", "exponent notation"),
        ("1E-3", "float", "exponent notation"),
        ("inf", "float", "is not a number"),
        ("-Infinity", "float", "is not a number"),
        ("NaN", "float", "is not a number"),
        ("18_022", "float", "underscore"),
        ("١٨", "float", "non-ASCII digits"),
        ("１８", "float", "non-ASCII digits"),
        ("18\t", "float", "space or tab around"),
        (" 18", "float", "space or tab around"),
        ("+5", "float", "plus sign"),
        ("5,5", "float", "decimal comma"),
        ("18 022", "float", "contains a space"),
        ("2024.0", "year", "not a whole number"),
        ("1800", "year", "not a plausible year"),
        ("650.5", "count", "not a whole number"),
        ("-1", "count", "negative"),
        ("250", "share", "not a share of a whole"),
        ("-0.1", "share", "not a share of a whole"),
        ("9" * 16, "float", "significant digits"),
        ("0x10", "float", "is not a number"),
        ("01", "float", "leading zero"),
        ("5.", "float", "is not a number"),
        ("true", "year", "is not a number"),
    ],
)
def test_the_grammar_rejects_what_float_would_accept(text, kind, message):
    value, error = parse_number(text, kind)
    assert value is None and message in error and "expected" in error, error


def test_printed_decimals_lives_with_the_numbers():
    from finsam_analysis.document import fmt

    assert printed_decimals(12.4) == 1 and printed_decimals(62) == 0 and fmt.printed_decimals is printed_decimals


@pytest.mark.parametrize(
    "text, message",
    [
        ("a: 1\na: 2\n", "2: invalid YAML: duplicate key 'a' (first on line 1)"),
        ("a: &x 1\nb: *x\n", "1: invalid YAML: anchor &x is not allowed"),
        ("a: *x\n", "invalid YAML"),
        ("<<: {a: 1}\n", "merge keys (<<) are not allowed"),
        ("d: 2025-13-01\n", "is not a valid date"),
        ("x: !!python/object/apply:os.system [ls]\n", "could not determine a constructor"),
        ("a: " + "[" * 80 + "]" * 80 + "\n", "nested more than 50 levels deep"),
    ],
)
def test_strict_yaml(text, message):
    with pytest.raises(YamlFileError) as info:
        parse_yaml(text, "f.yaml")
    assert message in str(info.value)


def test_yaml_remembers_lines_for_messages():
    data = parse_yaml("slug: x\nmembers:\n  - {name: A, kind: kommun}\n  - 5\n", "forbund.yaml")
    problems = [str(p) for p in check(data, "forbund.yaml", "forbund.yaml")]
    assert "forbund.yaml:4: members[1]: 5: expected a mapping (name, kind)" in problems
    assert any("forbund.yaml:1: missing key 'name'" in p for p in problems)


def test_schema_types_are_checked():
    source = parse_yaml("years: [2019, true]\nfiscal_year: 2024.0\nurl: 5\n", "source.yaml")
    problems = "\n".join(str(p) for p in check(source, "source.yaml", "source.yaml"))
    assert "source.yaml:1: years[1]: True: expected a year like 2024" in problems
    assert "source.yaml:2: fiscal_year: 2024.0: expected a year like 2024" in problems
    assert "source.yaml:3: url: 5: expected a non-empty text" in problems


def test_every_metadata_file_in_data_raw_fits_its_schema():
    from finsam_analysis.data.vocabulary import load_vocabulary
    from finsam_analysis.data.yamlfile import load_yaml

    vocab = load_vocabulary()
    files = [(p, "forbund.yaml") for p in paths.RAW_DIR.glob("*/forbund.yaml")]
    files += [
        (p, "reference/source.yaml" if p.parent.name == "reference" else "source.yaml")
        for p in paths.RAW_DIR.glob("*/source.yaml")
    ]
    files += [(p, "source.yaml") for p in paths.RAW_DIR.glob("*/*/source.yaml")]
    files += [(p, "checks.yaml") for p in paths.RAW_DIR.glob("*/*/checks.yaml")]
    assert len(files) > 5
    for path, kind in files:
        assert check(load_yaml(path), kind, path, vocab) == [], path


def test_a_utf8_bom_from_excel_is_accepted(tmp_path):
    raw = write_synthetic(tmp_path / "raw", financials="\ufeff" + SYNTHETIC_FINANCIALS)
    forbund_yaml = raw / "testforbund" / "forbund.yaml"
    forbund_yaml.write_text("\ufeff" + forbund_yaml.read_text(encoding="utf-8"), encoding="utf-8")
    tables = build_tables(raw)
    assert len(tables.financials) == 7 and "statement" in tables.financials


def test_a_header_only_known_discrepancies_file_is_valid(synthetic_raw):
    assert build_tables(synthetic_raw).raw[0].documents[0].discrepancies.empty


def test_manifest_detects_a_hand_edit(tmp_path, capsys):
    raw = write_synthetic(tmp_path / "raw")
    out = write_processed(build_tables(raw), tmp_path / "processed")
    assert verify_manifest(out) == []
    assert load_processed(out).financials.shape[0] == 7
    edited = out / "financials.csv"
    edited.write_text(edited.read_text(encoding="utf-8").replace("999500.0", "999501.0"), encoding="utf-8")
    with pytest.raises(CurationError, match="financials.csv: differs from manifest.json"):
        load_processed(out)
    assert main(["validate", "--raw", str(raw), "--processed", str(out)]) == 2
    assert "financials.csv: differs from manifest.json (edited by hand?)" in capsys.readouterr().err
    (out / "extra.csv").write_text("x\n", encoding="utf-8")
    (out / "manifest.json").unlink()
    assert "manifest.json: missing" in str(verify_manifest(out)[0])


def test_package_rules_bind_to_the_vocabulary(tmp_path):
    assert len(package_rules()) > 20
    text = paths.RULES_FILE.read_text(encoding="utf-8").replace("{item: net_result}", "{item: net_reslt}", 1)
    broken = tmp_path / "rules.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(
        RuleError, match=r"rules.yaml:\d+: rr_identity: total: item: 'net_reslt' is not a known item of financials"
    ):
        package_rules(broken)


def test_a_document_rule_that_matches_nothing_fails_validate(tmp_path, capsys):
    checks = "sums:\n  - id: never\n    table: financials\n    for_each: [year]\n    total: {item: net_result}\n    parts:\n      - {item: operating_income, year_offset: -30}\n"
    raw = write_synthetic(tmp_path / "raw", extra={"checks.yaml": checks})
    assert main(["validate", "--raw", str(raw), "--processed", str(tmp_path / "none")]) == 2
    assert "checks.yaml:2: never: matches no rows" in capsys.readouterr().err


def test_validate_is_quiet_on_success_and_verbose_lists_registered_findings(capsys):
    assert main(["validate", "--processed", str(paths.PROCESSED_DIR / "absent")]) == 0
    quiet = capsys.readouterr().out
    assert quiet.count("\n") == 1 and "registered" in quiet  # one summary line
    assert main(["validate", "--verbose", "--processed", str(paths.PROCESSED_DIR / "absent")]) == 0
    verbose = capsys.readouterr().out
    assert verbose.count("registered") > 10 and "skipped package rule" in verbose
