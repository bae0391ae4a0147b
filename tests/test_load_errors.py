"""Bad input stops the build with one clear message per problem: file:line: column: value, expectation."""

import pytest
from helpers import SYNTHETIC_FINANCIALS, SYNTHETIC_MEMBERS, write_synthetic

from finsam_analysis.data.build import build_tables
from finsam_analysis.data.errors import CurationError

HEADER = SYNTHETIC_FINANCIALS.splitlines()[0]
GOOD_ROW = "income_statement,2024,utfall,net_result,100000.00,kr,Resultaträkning,,"


def financials_with(row: str) -> str:
    """The synthetic financials with one extra row at line 9."""
    return SYNTHETIC_FINANCIALS + row + "\n"


def problems_for(tmp_path, **kwargs) -> list[str]:
    raw = write_synthetic(tmp_path / "raw", **kwargs)
    with pytest.raises(CurationError) as info:
        build_tables(raw)
    return [str(p) for p in info.value.problems]


def test_synthetic_folder_is_valid(synthetic_raw):
    tables = build_tables(synthetic_raw)
    assert len(tables.financials) == 7
    assert tables.financials.loc[tables.financials["unit"] == "tkr", "value_sek"].item() == 100_000


@pytest.mark.parametrize(
    "row, expected",
    [
        (
            "overview,2023,utfall,net_result,5,tkr ,Översikt,,",
            "financials.csv:9: unit: 'tkr ' is not one of kr, tkr, mkr, count, pct",
        ),
        (
            "overview,2023,utfall,net_resultat,5,tkr,Översikt,,",
            "financials.csv:9: item: 'net_resultat' is not one of",
        ),
        (
            'overview,2023,utfall,net_result,"5,5",tkr,Översikt,,',
            "financials.csv:9: value: '5,5' uses a decimal comma or a space; expected a plain number like 5.5",
        ),
        (
            "overview,2023,utfall,net_result,fem,tkr,Översikt,,",
            "financials.csv:9: value: 'fem' is not a number",
        ),
        (
            "overview,2023,utfall,net_result,18 022,tkr,Översikt,,",
            "financials.csv:9: value: '18 022' contains a space; expected digits only like 18022",
        ),
        (
            "overview,2019,utfall,net_result,5,tkr,Översikt,,",
            "financials.csv:9: year: 2019 is outside the document's years 2023-2024",
        ),
        (
            GOOD_ROW,
            "financials.csv:9: item: 'net_result' duplicate key (statement, year, basis, item, section)",
        ),
        (
            "overview,2023,utfall,net_result,5,count,Översikt,,",
            "financials.csv:9: unit: 'count' does not fit the item's kind",
        ),
        (
            "overview,2023,utfall,net_result,5,tkr,,,",
            "financials.csv:9: section: '' is empty; a value is required",
        ),
        (
            "overview,2023,actual,net_result,5,tkr,Översikt,,",
            "financials.csv:9: basis: 'actual' is not one of utfall, budget, prognos",
        ),
    ],
    ids=[
        "unit-space",
        "unknown-item",
        "decimal-comma",
        "non-numeric",
        "thousands-space",
        "year-range",
        "duplicate-key",
        "unit-kind",
        "empty-section",
        "unknown-basis",
    ],
)
def test_bad_financials_row_is_reported_with_place(tmp_path, row, expected):
    problems = problems_for(tmp_path, financials=financials_with(row))
    assert any(expected in p for p in problems), problems
    assert all("testforbund/arsredovisning-2024/financials.csv" in p for p in problems)


def test_missing_column_names_the_header(tmp_path):
    broken = SYNTHETIC_FINANCIALS.replace(",unit,", ",").replace(",kr,", ",").replace(",tkr,", ",")
    problems = problems_for(tmp_path, financials=broken)
    assert any(
        "financials.csv:1: unit: missing column; expected the header statement,year,basis,item,value,unit" in p
        for p in problems
    )


def test_optional_provenance_columns_may_be_left_out(tmp_path):
    """page and note are optional: a file without them is valid."""
    trimmed = "\n".join(line.rsplit(",", 2)[0] for line in SYNTHETIC_FINANCIALS.splitlines()) + "\n"
    raw = write_synthetic(tmp_path / "raw", financials=trimmed)
    assert build_tables(raw).financials["note"].isna().all()


def test_unknown_member_and_wrong_kind(tmp_path):
    members = (
        SYNTHETIC_MEMBERS + "2024,utfall,Okänd kommun,kommun,1,kr,,Not 1,,\n2024,budget,Testby,region,1,kr,,Not 1,,\n"
    )
    problems = problems_for(tmp_path, members=members)
    assert any(
        "member_contributions.csv:5: member: 'Okänd kommun' is not a member in forbund.yaml" in p for p in problems
    )
    assert any(
        "member_contributions.csv:6: member_kind: 'region' does not match the member's kind" in p for p in problems
    )


def test_wrong_forbund_slug_in_source_yaml(tmp_path):
    raw = write_synthetic(tmp_path / "raw")
    source = raw / "testforbund" / "arsredovisning-2024" / "source.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("forbund: testforbund", "forbund: sjuharad"), encoding="utf-8"
    )
    with pytest.raises(CurationError) as info:
        build_tables(raw)
    assert "source.yaml:2: forbund: 'sjuharad' does not match the förbund folder 'testforbund'" in str(info.value)


def test_sha256_mismatch_is_reported(tmp_path):
    raw = write_synthetic(tmp_path / "raw")
    (raw / "testforbund" / "arsredovisning-2024" / "source.txt").write_text("changed\n", encoding="utf-8")
    with pytest.raises(CurationError, match=r"source.yaml:9: sha256: does not match source.txt"):
        build_tables(raw)


def test_unknown_table_file_is_reported(tmp_path):
    problems = problems_for(tmp_path, extra={"finanser.csv": "a,b\n"})
    assert any("finanser.csv: unknown table" in p for p in problems)


def test_all_problems_are_reported_together(tmp_path):
    rows = "overview,2023,utfall,net_result,5,tkr ,Översikt,,\noverview,2023,utfall,operating_income,x,tkr,Översikt,,"
    problems = problems_for(tmp_path, financials=financials_with(rows))
    assert len(problems) == 2


def test_yaml_fast_path_reads_every_metadata_file_exactly_as_the_strict_loader():
    """The C-composed path must give the same data and the same lines as StrictLoader."""
    from finsam_analysis.data import paths, yamlfile

    def strict(text):
        loader = yamlfile.StrictLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()

    def shape(x):
        if isinstance(x, dict):
            return (x.line, dict(x.key_lines), {k: shape(v) for k, v in x.items()})
        if isinstance(x, list):
            return (x.line, list(x.item_lines), [shape(v) for v in x])
        return x

    files = sorted(paths.RAW_DIR.rglob("*.yaml")) + sorted(paths.PACKAGE_DIR.rglob("*.yaml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert shape(yamlfile._load(text)) == shape(strict(text)), path
    bomb = "a: &a [1, 2]\nb: [*a, *a]\n"
    with pytest.raises(yamlfile.YamlFileError, match="anchor &a is not allowed"):
        yamlfile.parse_yaml(bomb, "bomb.yaml")
    with pytest.raises(yamlfile.YamlFileError, match="duplicate key 'a'"):
        yamlfile.parse_yaml("a: 1\nb: 2\na: 3\n", "dup.yaml")
