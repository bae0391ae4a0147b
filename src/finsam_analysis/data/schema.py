"""The curation contract as code: columns of each raw table and their pandera schemas.

Parsing (text -> typed columns) happens in `load`; this module says what a typed table must
look like, in terms of the vocabulary and of the document it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from finsam_analysis.data.vocabulary import MONEY_UNITS, Vocabulary, unit_family

# Optional columns of every figure table (docs/curation.md): the part of the year a figure
# covers, an approximation word as printed, and the figure exactly as printed where its form
# is not Swedish or it carries no sign. A CSV may leave them out of its header.
FIGURE_EXTRAS = ("period", "approx", "printed")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str = "str"  # str | int | float
    required: bool = True  # a value must be present (the column itself is always required)
    domain: str | None = None  # vocabulary domain the value must come from
    extra: tuple[str, ...] = ()  # further allowed values besides the domain (e.g. '*')
    number: str | None = None  # number grammar kind (data.numbers.KINDS) if not the plain kind

    @property
    def grammar(self) -> str:
        """The data.numbers kind a cell of this column is parsed as."""
        return self.number or ("year" if self.name == "year" else self.kind)


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    units: tuple[str, ...] | None = None  # allowed units, if the table has a unit column
    optional_columns: tuple[str, ...] = field(default=("page", "note", *FIGURE_EXTRAS))
    pct_is_share: bool = False  # a pct value is a share of a whole (0-100), not e.g. an equity ratio
    may_be_empty: bool = False  # a file with a header and no rows is valid

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def numeric_columns(self) -> list[ColumnSpec]:
        return [c for c in self.columns if c.kind in ("int", "float")]


def _provenance() -> tuple[ColumnSpec, ...]:
    return (
        ColumnSpec("section"),
        ColumnSpec("page", "str", required=False),
        ColumnSpec("note", "str", required=False),
        ColumnSpec("period", "str", required=False),  # filled from source.yaml (default helar)
        ColumnSpec("approx", "str", required=False, domain="approx"),
        ColumnSpec("printed", "str", required=False),
    )


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "financials",
            (
                ColumnSpec("statement", domain="statements"),
                ColumnSpec("year", "int"),
                ColumnSpec("basis", domain="bases"),
                ColumnSpec("item", domain="items"),
                ColumnSpec("value", "float"),
                ColumnSpec("unit", domain="units"),
                *_provenance(),
            ),
            key=("statement", "year", "basis", "item", "section"),
        ),
        TableSpec(
            "member_contributions",
            (
                ColumnSpec("year", "int"),
                ColumnSpec("basis", domain="bases"),
                ColumnSpec("member"),
                ColumnSpec("member_kind", domain="member_kinds", extra=("*",)),
                ColumnSpec("value", "float"),
                ColumnSpec("unit", domain="units"),
                ColumnSpec("share_pct", "float", required=False, number="share"),
                *_provenance(),
            ),
            key=("year", "basis", "member", "member_kind", "section"),
            units=MONEY_UNITS,
        ),
        TableSpec(
            "interventions",
            (
                ColumnSpec("intervention"),
                ColumnSpec("kind", domain="intervention_kinds"),
                ColumnSpec("kommun", required=False),
                ColumnSpec("parent", required=False),
                ColumnSpec("description", required=False),
            ),
            key=("intervention",),
            optional_columns=("parent", "description"),
        ),
        TableSpec(
            "intervention_finance",
            (
                ColumnSpec("year", "int"),
                ColumnSpec("basis", domain="bases"),
                ColumnSpec("intervention"),
                ColumnSpec("measure", domain="intervention_measures"),
                ColumnSpec("value", "float"),
                ColumnSpec("unit", domain="units"),
                *_provenance(),
            ),
            key=("year", "basis", "intervention", "measure", "section"),
            units=MONEY_UNITS,
        ),
        TableSpec(
            "participants",
            (
                ColumnSpec("year", "int"),
                ColumnSpec("intervention"),
                ColumnSpec("group"),
                ColumnSpec("measure", domain="participant_measures"),
                ColumnSpec("gender", domain="genders"),
                ColumnSpec("value", "float"),
                ColumnSpec("unit", domain="units"),
                *_provenance(),
            ),
            key=("year", "intervention", "group", "measure", "gender", "unit", "section"),
            units=("count", "pct"),
            pct_is_share=True,
        ),
        TableSpec(
            "outcomes",
            (
                ColumnSpec("year", "int"),
                ColumnSpec("intervention"),
                ColumnSpec("outcome", domain="outcomes"),
                ColumnSpec("gender", domain="genders"),
                ColumnSpec("value", "float"),
                ColumnSpec("unit", domain="units"),
                ColumnSpec("base", required=False, domain="participant_measures"),
                *_provenance(),
            ),
            key=("year", "intervention", "outcome", "gender", "unit", "base", "section"),
            units=("count", "pct"),
            pct_is_share=True,
        ),
        TableSpec(
            "indicator_survey",
            (
                ColumnSpec("year", "int"),
                ColumnSpec("intervention"),
                ColumnSpec("indicator"),
                ColumnSpec("measure", domain="survey_measures"),
                ColumnSpec("value", "float"),
                ColumnSpec("unit", domain="units"),
                *_provenance(),
            ),
            key=("year", "intervention", "indicator", "measure", "section"),
            units=("count", "pct"),
            pct_is_share=True,
        ),
        TableSpec(
            "known_discrepancies",
            (
                ColumnSpec("check_id"),
                ColumnSpec("expected", "float"),
                ColumnSpec("actual", "float"),
                ColumnSpec("difference", "float"),
                ColumnSpec("kind", domain="discrepancy_kinds"),
                ColumnSpec("explanation"),
                ColumnSpec("explanation_sv", required=False),  # the Swedish text the documents show
            ),
            key=("check_id",),
            optional_columns=("explanation_sv",),
            may_be_empty=True,  # a document that adds up registers nothing
        ),
    )
}


@dataclass(frozen=True)
class DocumentContext:
    """What a table is checked against besides the vocabulary: its document and förbund."""

    first_year: int
    last_year: int
    members: dict[str, str] | None  # canonical member name -> member kind; None: forbund.yaml unreadable
    interventions: tuple[str, ...] | None = ()  # None: interventions.csv could not be read


def _row_check(column: str, message: str, fn) -> pa.Check:
    """A frame-level check whose failures are reported on `column` (encoded in the error)."""
    return pa.Check(fn, error=f"{column}|{message}")


def _in_cycle(df: pd.DataFrame, start: str) -> bool:
    """Whether following `parent` from `start` comes back to `start`."""
    parents = dict(zip(df["intervention"], df["parent"]))
    seen, node = set(), parents.get(start)
    while isinstance(node, str) and node not in seen:
        if node == start:
            return True
        seen.add(node)
        node = parents.get(node)
    return False


def raw_schema(spec: TableSpec, vocab: Vocabulary, ctx: DocumentContext) -> pa.DataFrameSchema:
    """The pandera schema one raw table of one document must satisfy."""
    domains = vocab.domains
    columns = {}
    for col in spec.columns:
        checks = []
        if col.domain:
            allowed = list(domains[col.domain]) + list(col.extra)
            if col.name == "unit" and spec.units:
                allowed = list(spec.units)
            checks.append(pa.Check.isin(allowed, error=f"is not one of {', '.join(allowed)}"))
        if col.name == "year":
            checks.append(
                pa.Check.in_range(
                    ctx.first_year,
                    ctx.last_year,
                    error=f"is outside the document's years {ctx.first_year}-{ctx.last_year}",
                )
            )
        if col.kind == "str" and col.required:
            checks.append(
                pa.Check(lambda s: s.str.len() > 0, element_wise=False, error="is empty; a value is required")
            )
        dtype = {"int": "int64", "float": "float64", "str": None}[col.kind]
        columns[col.name] = pa.Column(dtype, checks=checks, nullable=not col.required)
    frame_checks = [
        _row_check(
            spec.key[-1] if spec.name != "financials" else "item",
            f"duplicate key ({', '.join(spec.key)}): the same figure is typed twice in one section",
            # a part-year figure and the full-year figure of the same key are two figures
            lambda df, key=[*spec.key, *(["period"] if "period" in spec.column_names else [])]: (
                ~df.duplicated(key, keep="first")
            ),
        )
    ]
    if spec.name == "financials":
        frame_checks.append(
            _row_check(
                "unit",
                "does not fit the item's kind (money items take kr/tkr/mkr, count items count, pct items pct)",
                lambda df: df.apply(
                    lambda r: (
                        r["item"] not in vocab.domains["items"]
                        or r["unit"] not in vocab.domains["units"]
                        or unit_family(r["unit"]) == vocab.item_kind(r["item"])
                    ),
                    axis=1,
                ).astype(bool),
            )
        )
    if "period" in spec.column_names:
        from finsam_analysis.data.periods import is_period

        frame_checks.append(
            _row_check(
                "period",
                "is not a period: expected helar or a month range like jan-jun, jan-aug (months jan feb mar apr maj jun jul aug sep okt nov dec)",
                lambda df: df["period"].isna() | df["period"].map(is_period).astype(bool),
            )
        )
    if spec.name == "member_contributions" and ctx.members is not None:
        known = ", ".join(sorted(ctx.members)) + ", *"
        frame_checks.append(
            _row_check(
                "member",
                f"is not a member in forbund.yaml (expected one of {known})",
                lambda df: df["member"].isin(list(ctx.members) + ["*"]),
            )
        )
        frame_checks.append(
            _row_check(
                "member_kind",
                "does not match the member's kind in forbund.yaml",
                lambda df: df.apply(
                    lambda r: r["member"] == "*" or ctx.members.get(r["member"]) in (None, r["member_kind"]),
                    axis=1,
                ).astype(bool),
            )
        )
    if (
        spec.name in ("intervention_finance", "participants", "outcomes", "indicator_survey")
        and ctx.interventions is not None
    ):
        known_iv = list(ctx.interventions) + ["*"]
        frame_checks.append(
            _row_check(
                "intervention",
                "is not an intervention in interventions.csv of this document (or '*')",
                lambda df: df["intervention"].isin(known_iv),
            )
        )
    if spec.name == "interventions":
        frame_checks.append(
            _row_check(
                "parent",
                "is not an intervention in this file",
                lambda df: df["parent"].isna() | df["parent"].isin(list(df["intervention"])),
            )
        )
        frame_checks.append(
            _row_check(
                "parent",
                "makes a cycle (an intervention cannot be part of itself, directly or through others)",
                lambda df: pd.Series([not _in_cycle(df, i) for i in df["intervention"]], index=df.index),
            )
        )
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=True, ordered=False)


def processed_schema(spec: TableSpec) -> pa.DataFrameSchema:
    """What a processed table holds: the raw columns plus förbund, document, the row's line in
    its CSV (provenance in one hop: <forbund>/<document>/<table>.csv:<line>) and kronor."""
    columns = {"forbund": pa.Column(None), "document": pa.Column(None), "line": pa.Column("int64")}
    for col in spec.columns:
        dtype = {"int": "int64", "float": "float64", "str": None}[col.kind]
        columns[col.name] = pa.Column(dtype, nullable=not col.required)
    if "unit" in spec.column_names:
        columns["value_sek"] = pa.Column("float64", nullable=True)
    return pa.DataFrameSchema(columns, strict=True, coerce=False)
