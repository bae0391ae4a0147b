"""Reference data loaders: the adopted files and clear errors for broken ones."""

from __future__ import annotations

import hashlib

import pandas as pd
import pandas.testing as tm
import pytest
import yaml

from finsam_analysis.data import paths
from finsam_analysis.data.reference import ReferenceDataError, load_equity_bands, load_kpi, load_prisbasbelopp


def test_kpi_adopted():
    kpi = load_kpi()
    assert kpi.dtypes.to_dict() == {"year": "int64", "kpi_1980_100": "float64"}
    assert kpi.set_index("year").loc[[2019, 2024], "kpi_1980_100"].tolist() == [334.26, 415.15]
    assert kpi["year"].is_monotonic_increasing


def test_prisbasbelopp_adopted():
    pbb = load_prisbasbelopp().set_index("year")["prisbasbelopp_sek"]
    assert pbb[2024] == 57300.0 and pbb[2016] == 44300.0


def test_equity_bands_adopted():
    expected = pd.DataFrame(
        {"lower_sek": [0.0, 7e6, 15e6], "upper_sek": [7e6, 15e6, float("nan")], "marginal_share": [0.20, 0.15, 0.10]}
    )
    tm.assert_frame_equal(load_equity_bands(), expected)


def test_provenance_checksums_match():
    meta = yaml.safe_load((paths.REFERENCE_DIR / "source.yaml").read_text(encoding="utf-8"))
    for name, entry in meta["files"].items():
        digest = hashlib.sha256((paths.REFERENCE_DIR / name).read_bytes()).hexdigest()
        assert digest == entry["sha256"], f"{name}: update sha256 in source.yaml after a deliberate change"
        assert entry["source"] and entry["publisher"]


def write(tmp_path, name, text):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "loader, name, text, message",
    [
        (load_kpi, "kpi_annual.csv", "year,kpi\n2020,1\n", r"missing column\(s\) \['kpi_1980_100'\]"),
        (load_kpi, "kpi_annual.csv", "year,kpi_1980_100\n", "no rows"),
        (
            load_kpi,
            "kpi_annual.csv",
            "year,kpi_1980_100\n2020,abc\n",
            r"kpi_annual.csv:2: kpi_1980_100: 'abc' is not a number",
        ),
        (load_kpi, "kpi_annual.csv", "year,kpi_1980_100\n2020,1\n2020,2\n", r"year\(s\) \[2020\] occur more than once"),
        (load_prisbasbelopp, "prisbasbelopp.csv", "year,prisbasbelopp_sek\n2020,-1\n", "must be positive"),
        (
            load_equity_bands,
            "equity_guideline_bands.csv",
            "lower_sek,upper_sek,marginal_share\n0,7000000,20\n",
            "share between 0 and 1",
        ),
        (
            load_equity_bands,
            "equity_guideline_bands.csv",
            "lower_sek,upper_sek,marginal_share\n0,7000000,0.2\n8000000,,0.1\n",
            "contiguous",
        ),
        (
            load_equity_bands,
            "equity_guideline_bands.csv",
            "lower_sek,upper_sek,marginal_share\n100,,0.2\n",
            "start at 0",
        ),
        (
            load_equity_bands,
            "equity_guideline_bands.csv",
            "lower_sek,upper_sek,marginal_share\n0,,0.2\n7000000,,0.1\n",
            "only the last band",
        ),
    ],
)
def test_broken_files(tmp_path, loader, name, text, message):
    with pytest.raises(ReferenceDataError, match=message):
        loader(write(tmp_path, name, text))


def test_missing_file(tmp_path):
    with pytest.raises(ReferenceDataError, match="kpi_annual.csv: reference file not found"):
        load_kpi(tmp_path)


def test_reference_covers_every_year_since_finsam_began():
    """Finsam exists since 2004: KPI and prisbasbelopp have every year from 2004 to the latest."""
    meta = yaml.safe_load((paths.REFERENCE_DIR / "source.yaml").read_text(encoding="utf-8"))["files"]
    for frame, column, name in (
        (load_kpi(), "kpi_1980_100", "kpi_annual.csv"),
        (load_prisbasbelopp(), "prisbasbelopp_sek", "prisbasbelopp.csv"),
    ):
        years = frame["year"].tolist()
        assert years == list(range(2004, max(years) + 1)), name
        assert meta[name]["covers"] == [2004, max(years)]
        change = frame[column].pct_change().dropna()
        assert change.between(-0.02, 0.10).all(), f"{name}: an implausible yearly change (typo?)"
    kpi = load_kpi().set_index("year")["kpi_1980_100"]
    assert kpi[2004] == 279.14 and kpi[2008] == 300.61 and kpi[2013] == 314.06
    assert round((kpi[2009] / kpi[2008] - 1) * 100, 1) == -0.3  # the deflation year
    pbb = load_prisbasbelopp().set_index("year")["prisbasbelopp_sek"]
    assert pbb[2004] == 39300 and pbb[2010] == 42400 and pbb[2013] == 44500
