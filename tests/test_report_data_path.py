"""One load per run: a report kernel reads only its förbund's rows and checks from a current
data/processed, and shows exactly what it would show when built from data/raw."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from finsam_analysis.checks import processed
from finsam_analysis.checks.reconcile import reconcile
from finsam_analysis.data import build, paths
from finsam_analysis.data.targets import reportable_years
from finsam_analysis.document import context, sections

SECTIONS = (
    "title",
    "summary",
    "member_funding",
    "trend_section",
    "participants_section",
    "outcomes_section",
    "data_quality",
)


@pytest.fixture()
def project(tmp_path, monkeypatch):
    """A copy of data/raw with its own processed folder, the package pointed at it."""
    raw = shutil.copytree(paths.RAW_DIR, tmp_path / "data" / "raw")
    monkeypatch.setattr(paths, "RAW_DIR", raw)
    monkeypatch.setattr(paths, "PROCESSED_DIR", tmp_path / "data" / "processed")
    return tmp_path


def text_of(items) -> list[str]:
    return [
        item.to_string() if isinstance(item, pd.DataFrame) else str(item)
        for item in items
        if not hasattr(item, "savefig")
    ]


def test_processed_is_current_only_for_the_raw_data_it_was_built_from(project):
    assert not build.is_current()
    tables = processed.refresh_processed()
    assert build.is_current()
    assert (paths.PROCESSED_DIR / build.FINDINGS_FILE).is_file()
    forbund = tables.forbund["forbund"].iloc[0]
    source = next((paths.RAW_DIR / forbund).glob("*/source.txt"))
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not build.is_current()  # any edit of data/raw makes processed stale


def test_a_kernel_reads_its_forbund_from_processed_and_shows_the_same_as_from_raw(project, monkeypatch):
    every = processed.refresh_processed()
    calls = []
    monkeypatch.setattr(context, "build_tables", lambda *a, **k: calls.append(k) or build.build_tables(*a, **k))
    for forbund in sorted(set(reportable_years(every)["forbund"])):
        from_disk = sections.prepare(forbund)
        assert set(from_disk.tables.financials["forbund"]) == {forbund}
        assert set(from_disk.findings["forbund"]) == {forbund}
        own = build.build_tables(only=[forbund])
        from_raw = sections.prepare(forbund, tables=own)
        pd.testing.assert_frame_equal(from_disk.findings, reconcile(own), check_dtype=False)
        for name in SECTIONS:
            assert text_of(getattr(sections, name)(from_disk)) == text_of(getattr(sections, name)(from_raw)), (
                forbund,
                name,
            )
    assert calls == []  # nothing was built from data/raw inside the kernels


def test_a_stale_processed_folder_is_not_read(project, monkeypatch):
    every = processed.refresh_processed()
    forbund = every.forbund["forbund"].iloc[0]
    (paths.RAW_DIR / forbund / "forbund.yaml").write_text(
        (paths.RAW_DIR / forbund / "forbund.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    monkeypatch.setattr(context, "load_processed", lambda *a, **k: pytest.fail("read a stale data/processed"))
    ctx = sections.prepare(forbund)
    assert set(ctx.tables.financials["forbund"]) <= {forbund}


def test_curation_proposals_do_not_change_the_data_version(project):
    from finsam_analysis.data.version import raw_digest

    before = raw_digest()
    document = next(paths.RAW_DIR.glob("*/*/source.yaml")).parent
    (document / "proposed").mkdir(exist_ok=True)
    (document / "proposed" / "financials.csv").write_text("statement,year\n", encoding="utf-8")
    assert raw_digest() == before
    (document / "notes.txt").write_text("x", encoding="utf-8")
    assert raw_digest() != before  # anything else under data/raw counts


def test_the_comparison_reads_processed_data_and_findings_and_shows_the_same_as_from_raw(project):
    from finsam_analysis.document import compare

    tables, findings = compare.load()  # no data/processed yet: built from data/raw, checks run later
    assert findings is None and tables.raw
    from_raw = [compare.key_figures_section(tables), compare.quality_section(tables)]
    processed.refresh_processed()
    tables, findings = compare.load()
    assert findings is not None and not tables.raw  # read from data/processed, nothing reconciled
    from_processed = [compare.key_figures_section(tables), compare.quality_section(tables, findings)]
    assert [text_of(items) for items in from_processed] == [text_of(items) for items in from_raw]


def test_processed_is_current_only_when_built_by_this_code_for_every_forbund(project, monkeypatch):
    from finsam_analysis.data import manifest, version

    tables = processed.refresh_processed()
    built = manifest.current_build(paths.PROCESSED_DIR)
    assert built["complete"] is True and built["code_version"] == version.code_version()
    assert built["forbund"] == sorted(tables.forbund["forbund"])
    assert build.is_current()
    # another version of the code (a library upgrade here): its findings may differ
    monkeypatch.setattr(version, "library_versions", lambda: {"pandas": "99.0"})
    assert not build.is_current()
    monkeypatch.undo()
    monkeypatch.setattr(paths, "RAW_DIR", project / "data" / "raw")
    monkeypatch.setattr(paths, "PROCESSED_DIR", project / "data" / "processed")
    assert build.is_current()
    # a build of some förbund only is never current for a reader of every förbund
    one = tables.forbund["forbund"].iloc[0]
    processed.build_and_write(paths.RAW_DIR, paths.PROCESSED_DIR, only=[one])
    assert manifest.current_build(paths.PROCESSED_DIR)["forbund"] == [one]
    assert not build.is_current()
    assert len(processed.refresh_processed().forbund) == len(tables.forbund)  # rebuilt, every förbund
    assert build.is_current()


def test_the_data_version_is_computed_once_per_run(project):
    from finsam_analysis.data import version

    before = version.raw_digest()
    source = next(paths.RAW_DIR.glob("*/*/source.txt"))
    with version.one_digest_per_run():
        assert version.raw_digest() == before
        source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert version.raw_digest() == before  # the run reads data/raw as it was when it started
    assert version.raw_digest() != before  # the next run sees the edit
