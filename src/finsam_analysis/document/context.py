"""A report's context: the checked parameters and this förbund's tables and findings, loaded
once per kernel (only this förbund's rows) and read by every section."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from finsam_analysis.data import paths, periods, reference
from finsam_analysis.data.build import TABLE_FILES, Tables, build_tables, is_current, load_findings, load_processed
from finsam_analysis.data.precedence import preferred_table
from finsam_analysis.data.targets import check_target
from finsam_analysis.document import plots, provenance, quality, suppression
from finsam_analysis.document.parameters import check_values
from finsam_analysis.measures import prices


@dataclass
class ReportContext:
    """Everything a report section needs: parameters and this förbund's tables."""

    forbund: str
    year: int
    threshold: int
    base_year: int
    name: str
    tables: Tables  # filtered to this förbund, every full-year figure as curated
    findings: pd.DataFrame = field(default_factory=pd.DataFrame)
    parameters: dict = field(default_factory=dict)  # as passed (None = default)
    part_year: Tables | None = None  # figures for part of a year (delår): shown apart, never mixed in
    _once: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def once(self, key, compute):
        """compute() the first time `key` is asked for, the same result after: a figure several
        sections read (a financial item's series, the guideline) is computed once per report.
        A DataFrame comes back as a shallow copy: with copy-on-write, a caller that changes its
        copy never changes what the next caller gets."""
        if key not in self._once:
            self._once[key] = compute()
        value = self._once[key]
        if isinstance(value, pd.DataFrame):
            return value.copy(deep=False)
        return dict(value) if isinstance(value, dict) else value

    # cached: every section reads these, and picking one figure per key sorts the table
    @cached_property
    def fin(self) -> pd.DataFrame:
        """Financials with one figure per (year, basis, item, statement): newest document wins."""
        return whole_year(preferred_table(self.tables, "financials"))

    @cached_property
    def mc(self) -> pd.DataFrame:
        """Member contributions with one figure per (year, basis, member, kind)."""
        return whole_year(preferred_table(self.tables, "member_contributions"))

    @cached_property
    def parts(self) -> pd.DataFrame:
        """Participants with one figure per key (precedence.preferred_table)."""
        return whole_year(preferred_table(self.tables, "participants"))

    @cached_property
    def outs(self) -> pd.DataFrame:
        return whole_year(preferred_table(self.tables, "outcomes"))

    @cached_property
    def registered(self) -> pd.DataFrame:
        """The registered findings with their Swedish explanation (quality.registered_findings)."""
        return quality.registered_findings(self)

    @cached_property
    def data_version(self) -> str:
        return provenance.data_version()


def whole_year(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows that cover the whole year (column `period` = 'helar', where the data has it):
    the annual document never mixes a part-year figure into a year's figures."""
    if frame is None or "period" not in frame.columns:
        return frame
    return frame[frame["period"].isna() | (frame["period"].astype(str) == "helar")].reset_index(drop=True)


def _filter(tables: Tables, forbund: str) -> Tables:
    frames = {}
    for name in TABLE_FILES:
        frame = tables.table(name)
        frames[name] = frame[frame["forbund"] == forbund].reset_index(drop=True)
    return Tables(**frames, raw=[f for f in tables.raw if f.slug == forbund])


def prepare(
    forbund: str,
    year: int | None = None,
    suppression_threshold: int = suppression.DEFAULT_THRESHOLD,
    base_year: int | None = None,
    tables: Tables | None = None,
) -> ReportContext:
    """Check the report parameters against the data and collect this förbund's tables.

    Fails at once, before any work, on a value outside its declared range (document.parameters)
    or a target the report-target rule does not give (data.targets). Without `tables`, only this
    förbund's folder is loaded: a kernel never reads the other förbund's data.
    """
    passed = {"forbund": forbund, "year": year, "suppression_threshold": suppression_threshold, "base_year": base_year}
    check_values(passed)
    findings = None
    if tables is None:
        tables, findings = _own_tables(forbund)
    target = check_target(tables, forbund, year)
    # default: the report year's money, or the nearest year the KPI covers (never a failure)
    base_year = prices.base_year_for(target.year, reference.load_kpi()) if base_year is None else base_year
    check_values({"base_year": base_year})
    plots.setup()
    name = tables.forbund.loc[tables.forbund["forbund"] == forbund, "name"].iloc[0]
    own = _filter(tables, forbund)
    if findings is None:
        from finsam_analysis.checks.reconcile import reconcile

        findings = reconcile(own)
    full, part = periods.split_tables(own)
    return ReportContext(forbund, target.year, suppression_threshold, base_year, name, full, findings, passed, part)


def _own_tables(forbund: str) -> tuple[Tables, pd.DataFrame | None]:
    """Only this förbund's tables (and checks): read from data/processed when it is current
    (what `finsam reports` guarantees), else built from its raw folder (an analyst editing
    data/raw in JupyterLab sees the edit at once)."""
    if is_current():
        return load_processed(only=[forbund]), load_findings(only=[forbund])
    only = [forbund] if paths.is_slug(forbund) and (paths.RAW_DIR / forbund).is_dir() else None
    return build_tables(only=only), None
