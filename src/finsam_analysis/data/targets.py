"""Which analysis documents can be made: the one report-target rule.

A (förbund, year) is reportable when any table has outcome figures for that year: an `utfall`
row of financials, member contributions or intervention finance, or any row of participants,
outcomes or the indicator survey (those tables hold actual figures only). Figures for part of
the year (a delårsrapport) make a year reportable too, but the default year of a förbund is
its latest year with full-year outcome figures (the latest part-year one only if it has none),
and part-year figures never enter the full-year measures of a report. The runner applies
this rule before any work; the template's `prepare` applies the same rule, so a target the
runner accepts is never rejected inside a kernel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from finsam_analysis.data.paths import check_slug

if TYPE_CHECKING:
    import pandas as pd

# pandas (and data.periods, which imports it) are imported by the functions that need them:
# ReportTarget is what a run with nothing to do reads (publish/noop.py), and it must not pay
# for pandas.

# tables with a basis column count only their utfall rows; the others are actual by definition
OUTCOME_TABLES = {
    "financials": True,
    "member_contributions": True,
    "intervention_finance": True,
    "participants": False,
    "outcomes": False,
    "indicator_survey": False,
}


@dataclass(frozen=True, order=True)
class ReportTarget:
    """One analysis document: a förbund slug and a year. Validated on construction."""

    forbund: str
    year: int

    def __post_init__(self) -> None:
        check_slug(self.forbund)
        # bool is an int subclass; numpy ints are not accepted either: pass int(year).
        if type(self.year) is not int:
            raise ValueError(f"year must be an int, got {self.year!r} ({type(self.year).__name__})")
        if not 1000 <= self.year <= 9999:
            raise ValueError(f"year must have four digits, got {self.year}")

    def __str__(self) -> str:
        return f"{self.forbund} {self.year}"


def reportable_years(tables) -> pd.DataFrame:
    """Distinct (forbund, year) pairs with outcome figures in any table, sorted.

    Column `full_year`: True when some of those figures cover the whole year (period helar),
    False when the year has part-year figures only (e.g. a delårsrapport jan-aug).
    """
    import pandas as pd

    from finsam_analysis.data.periods import is_full_year

    parts = []
    for name, has_basis in OUTCOME_TABLES.items():
        frame = tables.table(name)
        if frame.empty:
            continue
        if has_basis:
            frame = frame[frame["basis"] == "utfall"]
        parts.append(frame[["forbund", "year"]].assign(full_year=is_full_year(frame).to_numpy()))
    if not parts:
        return pd.DataFrame(
            {"forbund": pd.Series(dtype=str), "year": pd.Series(dtype="int64"), "full_year": pd.Series(dtype=bool)}
        )
    pairs = pd.concat(parts, ignore_index=True)
    pairs = pairs.groupby(["forbund", "year"], as_index=False)["full_year"].any()
    pairs = pairs.astype({"year": "int64", "full_year": bool})
    return pairs.sort_values(["forbund", "year"]).reset_index(drop=True)


def default_year(pairs: pd.DataFrame) -> int:
    """A förbund's default report year from its reportable_years rows: latest full year, else latest."""
    full = pairs[pairs["full_year"]]
    return int((full if len(full) else pairs)["year"].max())


def years_with_outcome(tables, forbund: str) -> list[int]:
    pairs = reportable_years(tables)
    return [int(y) for y in pairs.loc[pairs["forbund"] == forbund, "year"]]


def known_forbund(tables) -> list[str]:
    return sorted(str(f) for f in tables.forbund["forbund"])


def unreportable(tables) -> dict[str, str]:
    """Förbund in the data without any reportable year, with the reason in one Swedish sentence."""
    import pandas as pd

    with_years = set(reportable_years(tables)["forbund"])
    reasons = {}
    for forbund in known_forbund(tables):
        if forbund in with_years:
            continue
        documents = (
            tables.sources.loc[tables.sources["forbund"] == forbund] if "forbund" in tables.sources else pd.DataFrame()
        )
        rows = sum(int((tables.table(name)["forbund"] == forbund).sum()) for name in OUTCOME_TABLES)
        if rows:
            reasons[forbund] = "Förbundets dokument har bara budget- eller prognossiffror, inga utfall."
        elif documents.empty:
            reasons[forbund] = "Förbundet har ännu inget dokument (lägg till ett med finsam new)."
        else:
            reasons[forbund] = "Förbundets dokument har inga tabeller med siffror ännu."
    return reasons


def check_target(tables, forbund: object, year: object = None) -> ReportTarget:
    """The target for (forbund, year), year defaulting to the latest reportable; ValueError if none."""
    check_slug(forbund)
    known = known_forbund(tables)
    if forbund not in known:
        raise ValueError(f"unknown förbund {forbund!r}; known: {', '.join(known) or '(none)'}")
    pairs = reportable_years(tables)
    pairs = pairs[pairs["forbund"] == forbund]
    years = [int(y) for y in pairs["year"]]
    if not years:
        raise ValueError(f"{forbund} has no outcome figures for any year: {unreportable(tables)[forbund]}")
    if year is None:
        return ReportTarget(forbund, default_year(pairs))
    if type(year) is not int or year not in years:
        raise ValueError(
            f"{forbund} has no outcome (utfall) figures for year {year!r}; years with data: {', '.join(map(str, years))}"
        )
    return ReportTarget(forbund, year)


def resolve_targets(tables, forbunds: Sequence[str] | None = None, year: int | None = None) -> list[ReportTarget]:
    """The targets asked for (default: every reportable förbund, its latest year); ValueError if one is not there.

    Förbund without any reportable year are left out of the default set here; the runner lists
    them on the index with their reason (see `unreportable`) instead of skipping them silently.
    """
    if forbunds:
        return [check_target(tables, f, year) for f in dict.fromkeys(forbunds)]
    pairs = reportable_years(tables)
    if year is not None:
        chosen = pairs[pairs["year"] == year]
        if chosen.empty:
            raise ValueError(f"no förbund has outcome figures for year {year!r}")
        return [ReportTarget(str(f), int(year)) for f in chosen["forbund"]]
    return [ReportTarget(str(f), default_year(rows)) for f, rows in pairs.groupby("forbund")]
