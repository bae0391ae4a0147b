"""Reconciliation: does every document add up, and do repeated figures agree?

Checks come from three places, all evaluated by one engine:
- package rules (rules.yaml): accounting identities every document must satisfy;
- generated rules: each intervention's children vs the parent (interventions.csv), and every
  figure printed twice (same key, other section/statement/document) — "repeated figures";
- document rules (checks.yaml next to the CSVs): the sums that document prints.

Each evaluation is a row (check_id, expected, actual, difference, tolerance, ...). A difference
beyond tolerance is a finding and must be registered in known_discrepancies.csv with the same
difference; otherwise `finsam validate` fails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from finsam_analysis.data import metadata, paths
from finsam_analysis.data.approx import allowance
from finsam_analysis.data.build import Tables
from finsam_analysis.data.errors import CurationError, Problem
from finsam_analysis.data.loader import DATA_TABLES, Forbund
from finsam_analysis.data.numbers import printed_decimals
from finsam_analysis.data.schema import TABLES
from finsam_analysis.data.vocabulary import MONEY_UNITS, Vocabulary, load_vocabulary
from finsam_analysis.data.yamlfile import YamlFileError, line_of, load_yaml

EXACT = 0.005  # float noise; below one öre
# checks.yaml sections that declare no checks: package rules a document opts out of, and the
# figures whose checks are known not to see a one-unit error (insensitive_rows)
NOT_RULES = ("skip", "insensitive")
REGISTERED_MATCH = 0.005
REPEAT_KEYS = {
    "financials": ("year", "basis", "item"),
    "member_contributions": ("year", "basis", "member", "member_kind"),
    "intervention_finance": ("year", "basis", "intervention", "measure"),
    "participants": ("year", "intervention", "group", "measure", "gender", "unit"),
    "outcomes": ("year", "intervention", "outcome", "gender", "unit", "base"),
    "indicator_survey": ("year", "intervention", "indicator", "measure"),
}
FINDING_COLUMNS = [
    "forbund",
    "document",
    "check_id",
    "rule",
    "table",
    "expected",
    "actual",
    "difference",
    "tolerance",
    "unit",
    "status",
    "suggested_kind",
    "registered_kind",
    "explanation",
    "explanation_sv",
    "rows",
]


NOTHING = np.array([], dtype=int)


@dataclass(frozen=True)
class Picked:
    """Rows an operand selected: a table name and positional row indices."""

    table: str
    idx: np.ndarray


class RuleError(ValueError):
    """A check definition (rules.yaml / checks.yaml) that cannot be evaluated."""


@dataclass(frozen=True)
class Operand:
    filters: dict
    table: str | None = None
    factor: float = 1.0
    required: bool = True
    year_offset: int = 0
    const: float | None = None
    column: str = "value"
    ignore: tuple[str, ...] = ()
    agg: str = "sum"

    @classmethod
    def parse(cls, spec: dict, where: str) -> Operand:
        if not isinstance(spec, dict):
            raise RuleError(f"{where}: operand {spec!r} must be a mapping")
        spec = dict(spec)
        options = {
            k: spec.pop(k)
            for k in ("table", "factor", "required", "year_offset", "const", "column", "ignore", "agg")
            if k in spec
        }
        if "ignore" in options:
            options["ignore"] = tuple(options["ignore"])
        if options.get("agg", "sum") not in ("sum", "first"):
            raise RuleError(f"{where}: agg must be sum or first")
        return cls(filters=spec, **options)


@dataclass(frozen=True)
class Rule:
    id: str
    table: str
    for_each: tuple[str, ...]
    total: Operand
    parts: tuple[Operand, ...] = ()
    numerator: Operand | None = None
    denominator: Operand | None = None
    scale: float = 1.0
    where: dict = field(default_factory=dict)
    owner: str | None = None  # document id for document rules; None = per document (package rules)
    origin: str = "rules.yaml"
    line: int | None = None  # where the rule starts in its file

    @property
    def operands(self) -> tuple[Operand, ...]:
        return tuple(o for o in (self.total, *self.parts, self.numerator, self.denominator) if o is not None)

    @property
    def is_ratio(self) -> bool:
        return self.numerator is not None


def parse_rules(config: dict, origin: str, owner: str | None = None) -> list[Rule]:
    """Rules from a rules.yaml / checks.yaml mapping, with errors naming the file and rule."""
    rules = []
    unknown = set(config or {}) - {"sums", "ratios", *NOT_RULES}
    if unknown:
        raise RuleError(f"{origin}: unknown sections {sorted(unknown)}; expected sums, ratios, skip, insensitive")
    ids = set()
    for section in ("sums", "ratios"):
        for i, spec in enumerate((config or {}).get(section) or []):
            where = f"{origin}: {section}[{i}]"
            try:
                rule_id = spec["id"]
                where = f"{origin}: {rule_id}"
                if rule_id in ids:
                    raise RuleError(f"{where}: duplicate id")
                ids.add(rule_id)
                table = spec["table"]
                if table not in DATA_TABLES:
                    raise RuleError(f"{where}: table {table!r} is not one of {', '.join(DATA_TABLES)}")
                common = dict(
                    line=line_of((config or {}).get(section), i),
                    id=rule_id,
                    table=table,
                    for_each=tuple(spec.get("for_each") or ()),
                    total=Operand.parse(spec["total"], where),
                    where=dict(spec.get("where") or {}),
                    owner=owner,
                    origin=origin,
                )
                if section == "sums":
                    parts = tuple(Operand.parse(p, where) for p in spec["parts"])
                    rules.append(Rule(parts=parts, **common))
                else:
                    rules.append(
                        Rule(
                            numerator=Operand.parse(spec["numerator"], where),
                            denominator=Operand.parse(spec["denominator"], where),
                            scale=float(spec.get("scale", 1)),
                            **common,
                        )
                    )
            except KeyError as exc:
                raise RuleError(f"{where}: missing key {exc}") from None
            except TypeError as exc:
                raise RuleError(f"{where}: {exc}") from None
    return rules


@lru_cache(maxsize=2)
def package_rules(path=None) -> tuple[Rule, ...]:
    """The package's identities (rules.yaml), strictly parsed and bound to the vocabulary."""
    path = path or paths.RULES_FILE
    try:
        config = load_yaml(path)
    except YamlFileError as exc:
        raise RuleError(str(exc)) from None
    problems = metadata.check(config, "rules.yaml", path)
    if problems:
        raise RuleError("\n".join(map(str, problems)))
    rules = tuple(parse_rules(config, origin=str(path)))
    unbound = [p for rule in rules for p in bind_rule(rule, load_vocabulary(), path)]
    if unbound:
        raise RuleError("\n".join(map(str, unbound)))
    return rules


# --------------------------------------------------------------------------- binding


def column_words(table: str, column: str, vocab: Vocabulary) -> set[str] | None:
    """The values a column of a table may hold per the vocabulary (None: free text/numbers)."""
    spec = {c.name: c for c in TABLES[table].columns}.get(column)
    if spec is None or spec.domain is None:
        return None
    words = set(vocab.domains.get(spec.domain, {}))
    if column == "unit" and TABLES[table].units:
        words = set(TABLES[table].units)
    return words | set(spec.extra)


def filter_values(wanted) -> tuple[list, list]:
    """(values that must match, values excluded) of one filter."""
    if isinstance(wanted, dict) and "not" in wanted:
        return [], [wanted["not"]]
    if isinstance(wanted, dict) and "in" in wanted:
        return list(wanted["in"]), []
    return [wanted], []


def _blank_nan(value):
    """A missing key value as "" (so that every missing value is one group, as in pandas)."""
    return "" if isinstance(value, float) and math.isnan(value) else value


def bind_rule(
    rule: Rule, vocab: Vocabulary, origin, forbund: Forbund | None = None, frames: dict | None = None
) -> list[Problem]:
    """Every name a rule uses must exist: columns in its tables, words in the vocabulary,
    members in forbund.yaml, interventions in interventions.csv, and (for a document's own
    rule, with `frames`) each matched value in that document's data. A typo is a problem
    naming the file, line and rule instead of a check that silently matches nothing.
    """
    out: list[Problem] = []

    def problem(message: str) -> None:
        out.append(Problem(origin, rule.line, rule.id, message))

    def columns(table: str) -> set[str]:
        return {*TABLES[table].column_names, "document"}

    tables = {o.table or rule.table for o in rule.operands if o.const is None} or {rule.table}
    for table in tables:
        if table not in DATA_TABLES:
            problem(f"table {table!r} is not one of {', '.join(DATA_TABLES)}")
            return out
    for key in rule.where:
        if not any(key in columns(t) for t in tables):
            problem(f"where: column {key!r} is in none of the tables {', '.join(sorted(tables))}")
    for key in rule.for_each:
        if key not in columns(rule.table) and not any(key in columns(t) for t in tables):
            problem(f"for_each: column {key!r} is not in table {rule.table}")
    documents = {d.document_id: d for d in forbund.documents} if forbund else {}
    for _n, operand in enumerate(rule.operands):
        if operand.const is not None:
            continue
        table = operand.table or rule.table
        label = "total" if operand is rule.total else "operand"
        if operand.column not in ("value", *[c.name for c in TABLES[table].numeric_columns]):
            problem(f"{label}: column: {operand.column!r} is not a numeric column of {table}")
        for key in operand.ignore:
            if key not in rule.for_each:
                problem(f"{label}: ignore: {key!r} is not a for_each column of the rule")
        filters = {k: v for k, v in rule.where.items() if k in columns(table)}
        filters.update(operand.filters)
        doc_ids = (
            filter_values(filters["document"])[0] if "document" in filters else ([rule.owner] if rule.owner else [])
        )
        for column in operand.filters:
            if column not in columns(table):
                problem(
                    f"{label} {dict(operand.filters)}: column {column!r} is not in table {table} (columns: {', '.join(TABLES[table].column_names)})"
                )
        for column, wanted in filters.items():
            if column not in columns(table):
                continue
            matched, excluded = filter_values(wanted)
            words = column_words(table, column, vocab)
            if column == "member" and forbund is not None:
                words = set(forbund.members) | {"*"}
            if column == "document" and forbund is not None:
                words = set(documents)
            if column == "intervention" and rule.owner and rule.owner in documents:
                ivs = documents[rule.owner].tables.get("interventions")
                words = (set(ivs["intervention"]) if ivs is not None else set()) | {"*"}
            for value in [*matched, *excluded]:
                text = as_text(value)
                if column == "year" and not (isinstance(value, int) and not isinstance(value, bool)):
                    problem(f"{label}: {column}: {value!r} is not a year")
                elif words is not None and text not in words:
                    near = ", ".join(sorted(w for w in words if w[:3] == text[:3])[:5]) or ", ".join(sorted(words)[:8])
                    problem(f"{label}: {column}: {value!r} is not a known {column} of {table} (did you mean: {near}?)")
            if frames is None or rule.owner is None or not operand.required:
                continue  # an optional part may be absent from this document
            present = _present(frames, table, column, tuple(as_text(d) for d in doc_ids) or (rule.owner,))
            for value in matched:
                if as_text(value) not in present:
                    scope = ", ".join(doc_ids or [rule.owner])
                    problem(
                        f"{label}: {column}: {value!r} occurs in no row of {table} in {scope}; the check would match nothing"
                    )
    return out


def _present(frames: dict, table: str, column: str, documents: tuple) -> set[str]:
    """The values (as text) a column holds in the given documents' rows (cached per frames)."""
    cache = frames.setdefault("_present", {})
    key = (table, column, documents)
    if key not in cache:
        frame = frames.get(table)
        if frame is None or column not in frame:
            cache[key] = set()
        else:
            values = frame[column].to_numpy()
            if column != "document":
                values = values[np.isin(frame["document"].to_numpy(), list(documents))]
            cache[key] = {as_text(v) for v in values}
    return cache[key]


def binding_problems(
    forbund: Forbund, vocab: Vocabulary | None = None, frames: dict[str, pd.DataFrame] | None = None
) -> list[Problem]:
    """Problems of every document rule (checks.yaml) of one förbund: names that do not exist.

    Called by the loader, so a typo in checks.yaml stops `finsam build` as any bad input does.
    frames: the förbund's check_frames, if the caller has them (read only).
    """
    given = frames
    vocab = vocab or load_vocabulary()
    out: list[Problem] = []
    frames = None  # (a copy: the cache of present values goes into it)
    known = {rule.id for rule in package_rules()}
    for doc in forbund.documents:
        origin = doc.folder / "checks.yaml"
        for i, entry in enumerate((doc.checks or {}).get("skip") or []):
            if entry["rule"] not in known:
                out.append(
                    Problem(
                        origin,
                        line_of(doc.checks["skip"], i),
                        "skip",
                        f"{entry['rule']!r} is not a package rule ({', '.join(sorted(known))})",
                    )
                )
        declared = {k: v for k, v in (doc.checks or {}).items() if k not in NOT_RULES}
        if not declared:
            continue
        try:
            rules = parse_rules(declared, origin=str(origin), owner=doc.document_id)
        except RuleError as exc:
            out.append(Problem(origin, None, None, str(exc).removeprefix(f"{origin}: ")))
            continue
        if frames is None:
            frames = dict(given if given is not None else check_frames(forbund))
        for rule in rules:
            out.extend(bind_rule(rule, vocab, origin, forbund, frames))
    return out + insensitive_problems(forbund)


# --------------------------------------------------------------------------- data for checks


def as_text(value) -> str:
    """A cell as check ids and filters see it: '' for missing, 2024 not 2024.0."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def precision(typed_decimals: int, unit: str) -> float:
    """The rounding step of a printed figure, in comparison units (kronor for money).

    Taken from the decimals as typed ("246185.14" -> 0.01 kr, "18022" tkr -> 1000 kr): the
    curator types figures exactly as printed, so this is the document's own precision.
    """
    if unit == "count":
        return 0.0
    vocab = load_vocabulary()
    factor = vocab.unit_factor(unit) if unit in MONEY_UNITS else 1.0
    return factor * 10.0 ** (-int(typed_decimals))


def check_frames(forbund: Forbund) -> dict[str, pd.DataFrame]:
    """Per table: all rows of one förbund with comparison value, precision and row reference."""
    vocab = load_vocabulary()
    frames = {}
    for name in DATA_TABLES:
        parts = []
        for doc in forbund.documents:
            frame = doc.tables.get(name)
            if frame is None or frame.empty:
                continue
            frame = frame.copy()
            frame["document"] = doc.document_id
            frame["_ref"] = [f"{forbund.slug}/{doc.document_id}/{name}.csv:{line}" for line in frame["_line"]]
            parts.append(frame)
        if not parts:
            continue
        frame = pd.concat(parts, ignore_index=True)
        if "unit" in frame:
            factor = frame["unit"].map(lambda u: vocab.unit_factor(u) if u in MONEY_UNITS else 1.0)
            frame["_value"] = frame["value"] * factor.astype("float64")
            frame["_precision"] = [precision(d, u) for d, u in zip(frame["_decimals"], frame["unit"])]
            frame["_family"] = frame["unit"].map(lambda u: "money" if u in MONEY_UNITS else u)
            # an approximate figure (ca, drygt, ...) may lie within its printed rounding step
            approx = frame["approx"] if "approx" in frame else pd.Series(None, index=frame.index)
            frame["_approx"] = [
                allowance(v, d, u, a) for v, d, u, a in zip(frame["value"], frame["_decimals"], frame["unit"], approx)
            ]
        frames[name] = frame
    return frames


def _frozen(wanted) -> tuple:
    """A filter value as a cache key, compared as Evaluator.equals compares it (as text)."""
    if isinstance(wanted, dict) and "not" in wanted:
        return ("not", str(wanted["not"]))
    if isinstance(wanted, dict) and "in" in wanted:
        return ("in", *(str(w) for w in wanted["in"]))
    return ("=", str(wanted))


class Evaluator:
    """Evaluates rules against one förbund's rows, with string views cached for filtering."""

    def __init__(self, forbund: Forbund, frames: dict[str, pd.DataFrame] | None = None):
        self.forbund = forbund
        self.frames = check_frames(forbund) if frames is None else frames
        self._strings: dict[tuple[str, str], tuple[np.ndarray, dict[str, int]]] = {}
        self._masks: dict[tuple[str, str, str], np.ndarray] = {}
        self._filtered: dict[tuple, np.ndarray] = {}
        self._arrays: dict[tuple[str, str], np.ndarray] = {}
        self.skipped = skipped_rules(forbund)
        self.doc_order = {d.document_id: (str(d.source.get("date")), d.document_id) for d in forbund.documents}

    def strings(self, table: str, column: str) -> tuple[np.ndarray, dict[str, int]]:
        """A column as text (as_text), factorized once: (code of each row, {text: code})."""
        key = (table, column)
        if key not in self._strings:
            index: dict[str, int] = {}
            codes = np.fromiter(
                (index.setdefault(as_text(v), len(index)) for v in self.frames[table][column].to_numpy()),
                dtype=np.int64,
                count=len(self.frames[table]),
            )
            self._strings[key] = (codes, index)
        return self._strings[key]

    def equals(self, table: str, column: str, wanted) -> np.ndarray:
        """Cached boolean mask of rows whose column (as text) equals `wanted`."""
        key = (table, column, str(wanted))
        if key not in self._masks:
            codes, index = self.strings(table, column)
            self._masks[key] = codes == index.get(str(wanted), -1)
        return self._masks[key]

    def mask(self, table: str, filters: dict) -> np.ndarray:
        """Rows of table matching every filter (cached: the same filters recur for every group
        and operand of a rule). Read only: combine masks with `&`, never `&=`."""
        key = (table, *sorted((column, _frozen(wanted)) for column, wanted in filters.items()))
        found = self._filtered.get(key)
        if found is None:
            found = self._filtered[key] = self._mask(table, filters)
            found.flags.writeable = False
        return found

    def _mask(self, table: str, filters: dict) -> np.ndarray:
        frame = self.frames[table]
        mask = np.ones(len(frame), dtype=bool)
        for column, wanted in filters.items():
            if column not in frame.columns:
                raise RuleError(f"column {column!r} is not in table {table}")
            if isinstance(wanted, dict) and "not" in wanted:
                mask &= ~self.equals(table, column, wanted["not"])
            elif isinstance(wanted, dict) and "in" in wanted:
                mask &= np.logical_or.reduce(
                    [self.equals(table, column, w) for w in wanted["in"]] or [np.zeros(len(frame), dtype=bool)]
                )
            else:
                mask &= self.equals(table, column, wanted)
        return mask

    def column(self, table: str, column: str) -> np.ndarray:
        """A table column as a cached numpy array (row selection by index is cheap)."""
        key = (table, column)
        if key not in self._arrays:
            self._arrays[key] = self.frames[table][column].to_numpy()
        return self._arrays[key]

    def operand_rows(self, rule: Rule, operand: Operand, group: dict, document: str | None) -> Picked:
        table = operand.table or rule.table
        if table not in self.frames:
            return Picked(table, NOTHING)
        frame = self.frames[table]
        filters = {k: v for k, v in rule.where.items() if k in frame.columns}
        filters.update(operand.filters)
        grouping = {}
        for key, value in group.items():
            if key in operand.ignore or key not in frame.columns:
                continue
            grouping[key] = int(value) + operand.year_offset if key == "year" else value
        if document and "document" not in filters:
            filters["document"] = document
        return Picked(table, np.flatnonzero(self.mask(table, filters) & self.mask(table, grouping)))

    def operand_value(
        self, rule: Rule, operand: Operand, group: dict, document: str | None
    ) -> tuple[float | None, Picked]:
        """(value, rows) or (None, rows) when absent."""
        if operand.const is not None:
            return float(operand.const), Picked(rule.table, NOTHING)
        rows = self.operand_rows(rule, operand, group, document)
        if not len(rows.idx):
            return None, rows
        column = "_value" if operand.column == "value" else operand.column
        values = self.column(rows.table, column)[rows.idx].astype("float64")
        present = ~np.isnan(values)
        if not present.any():
            return None, rows
        rows = Picked(rows.table, rows.idx[present])
        values = values[present]
        if operand.agg == "first":
            return float(values[0]) * operand.factor, Picked(rows.table, rows.idx[:1])
        return float(values.sum()) * operand.factor, rows

    def groups(self, rule: Rule) -> list[tuple[str | None, dict]]:
        """(document, group) pairs for which the rule's total exists."""
        anchor = rule.total if rule.total.const is None else (rule.parts[0] if rule.parts else rule.numerator)
        table = anchor.table or rule.table
        if table not in self.frames:
            return []
        frame = self.frames[table]
        filters = {k: v for k, v in rule.where.items() if k in frame.columns}
        filters.update(anchor.filters)
        documents = (
            [rule.owner] if rule.owner else [d for d in self.doc_order if rule.id not in self.skipped.get(d, {})]
        )
        result = []
        for document in documents:
            doc_filters = dict(filters)
            if "document" not in doc_filters:
                doc_filters["document"] = document
            idx = np.flatnonzero(self.mask(table, doc_filters))
            if not len(idx):
                continue
            keys = [k for k in rule.for_each if k not in anchor.ignore]
            if "period" in frame.columns and "period" not in keys:
                keys.append("period")  # part-year figures are checked with each other only
            missing = [k for k in keys if k not in frame.columns]
            if missing:
                raise RuleError(f"for_each column(s) {missing} not in table {table}")
            if keys:
                # distinct key combinations in row order (numpy rows, not a pandas frame per rule)
                columns = [self.column(table, k)[idx] for k in keys]
                combos = dict.fromkeys(tuple(_blank_nan(v) for v in combo) for combo in zip(*columns))
                result.extend((document, dict(zip(keys, combo))) for combo in combos)
            else:
                result.append((document, {}))
        return result

    def checks(self, rule: Rule) -> list[Check]:
        """One Check per (document, group) the rule applies to."""
        return [Check(rule, document, tuple(group.items())) for document, group in self.groups(rule)]

    def run(self, check: Check) -> dict | None:
        """Evaluate one check: a result row, or None where its operands are absent."""
        if check.rule is None:
            return self._repeated(check)
        rule, group = check.rule, dict(check.group)
        # the document a check belongs to; operands without a document filter stay inside it
        row = self._ratio(rule, group, check.document) if rule.is_ratio else self._sum(rule, group, check.document)
        if row is not None:
            row.update(forbund=self.forbund.slug, document=check.document, rule=rule.id, table=rule.table)
            label = ":".join(str(group[k]) for k in rule.for_each if k in group)
            if group.get("period", "helar") not in ("helar", "") and "period" not in rule.for_each:
                label = f"{label}:{group['period']}" if label else str(group["period"])
            row["check_id"] = f"{rule.id}:{label}" if label else rule.id
        return row

    def evaluate(self, rule: Rule) -> list[dict]:
        return [row for check in self.checks(rule) if (row := self.run(check)) is not None]

    def set_value(self, table: str, index: int, value: float) -> float:
        """Set one row's comparison value (kronor for money) in place; returns the old value.

        For mutation tests: re-running only the checks that read the row (`run`) shows whether
        a changed figure would be caught, without rebuilding anything.
        """
        values = self.column(table, "_value")
        if not values.flags.writeable:
            values = self._arrays[(table, "_value")] = values.copy()
        old = float(values[index])
        values[index] = value
        self.frames[table].iat[index, self.frames[table].columns.get_loc("_value")] = value
        return old

    def _tolerance(self, used: list[Picked]) -> tuple[float, float]:
        """(tolerance, rounding bound) from the precisions of the figures compared.

        Figures in one unit must agree exactly. Where a single coarser figure (tkr, whole
        per cent, whole kronor) is compared with finer ones, half its rounding step is allowed.
        The rounding bound (half a step per rounded figure) only labels a finding's likely kind.
        """
        precisions = [p for rows in used if len(rows.idx) for p in self.column(rows.table, "_precision")[rows.idx]]
        if not precisions:
            return EXACT, 0.0
        approx = self._approx(used)
        coarsest, finest = max(precisions), min(precisions)
        bound = 0.5 * sum(precisions) + approx
        if coarsest > finest and precisions.count(coarsest) == 1:
            return 0.5 * coarsest + EXACT + approx, bound
        return EXACT + approx, bound

    def _approx(self, used: list[Picked]) -> float:
        """What the approximate figures among `used` allow (data.approx.allowance), summed."""
        return float(
            sum(
                self.column(rows.table, "_approx")[rows.idx].sum()
                for rows in used
                if len(rows.idx) and "_approx" in self.frames[rows.table]
            )
        )

    def _sum(self, rule: Rule, group: dict, document: str | None) -> dict | None:
        expected, total_rows = self.operand_value(rule, rule.total, group, document)
        if expected is None:
            return None
        actual, used = 0.0, [total_rows]
        present = 0
        for operand in rule.parts:
            value, rows = self.operand_value(rule, operand, group, document)
            if value is None:
                if operand.required:
                    return None
                continue
            present += 1
            actual += value
            used.append(rows)
        if present == 0:
            return None
        tolerance, bound = self._tolerance(used)
        return self._row(expected, actual, tolerance, bound, used)

    def _ratio(self, rule: Rule, group: dict, document: str | None) -> dict | None:
        expected, total_rows = self.operand_value(rule, rule.total, group, document)
        numerator, num_rows = self.operand_value(rule, rule.numerator, group, document)
        denominator, den_rows = self.operand_value(rule, rule.denominator, group, document)
        if expected is None or numerator is None or not denominator:
            return None
        actual = numerator / denominator * rule.scale
        printed = float(self.column(total_rows.table, rule.total.column)[total_rows.idx[0]])
        step = 10.0 ** (-printed_decimals(printed))
        tolerance = 0.5 * step + EXACT + self._approx([total_rows])
        return self._row(expected, actual, tolerance, step, [total_rows, num_rows, den_rows])

    def _row(self, expected, actual, tolerance, bound, used: list[Picked]) -> dict:
        difference = actual - expected
        refs = [ref for rows in used if len(rows.idx) for ref in self.column(rows.table, "_ref")[rows.idx]]
        units = sorted(
            {
                u
                for rows in used
                if len(rows.idx) and "_family" in self.frames[rows.table]
                for u in self.column(rows.table, "_family")[rows.idx]
            }
        )
        finding = abs(difference) > tolerance
        return dict(
            expected=round(expected, 6),
            actual=round(actual, 6),
            difference=round(difference, 6),
            tolerance=round(tolerance, 6),
            unit="/".join(units) or "pct",
            status="finding" if finding else "ok",
            suggested_kind=("rounding" if abs(difference) <= bound + EXACT else "material") if finding else "",
            rows=";".join(refs),
        )

    def repeated_checks(self) -> list[Check]:
        """Every key printed in more than one place must carry the same figure.

        Each later place (by document date, then line) is compared with the first, with the
        same tolerance rule as any other check.
        """
        out = []
        for table, keys in REPEAT_KEYS.items():
            frame = self.frames.get(table)
            if frame is None:
                continue
            ordered = frame.assign(_order=frame["document"].map(self.doc_order)).sort_values(
                ["_order", "_line"], kind="stable"
            )
            by = [*keys, *(["period"] if "period" in frame.columns else [])]  # never part-year vs full-year
            ordered = ordered[ordered.duplicated(by, keep=False)]  # keys printed once cannot repeat
            for key_values, rows in ordered.groupby(by, dropna=False, sort=True):
                if len(rows) < 2:
                    continue
                shown = key_values[: len(keys)] if len(by) > len(keys) and key_values[-1] == "helar" else key_values
                label = ":".join(as_text(v) for v in shown)
                out.extend(
                    Check(None, None, (), (table, int(rows.index[0]), int(other), label)) for other in rows.index[1:]
                )
        return out

    def _repeated(self, check: Check) -> dict:
        table, first, other, label = check.pair
        where = ["statement"] if table == "financials" else []
        value, document = self.column(table, "_value"), self.column(table, "document")
        used = [Picked(table, np.array([first])), Picked(table, np.array([other]))]
        tolerance, bound = self._tolerance(used)
        row = self._row(value[first], value[other], tolerance, bound, used)
        cross = document[first] != document[other]

        def place(i):
            return "/".join(
                [
                    *(str(self.column(table, w)[i]) for w in where),
                    str(self.column(table, "section")[i]),
                    *([document[i]] if cross else []),
                ]
            )

        row.update(
            forbund=self.forbund.slug,
            document=max([document[first], document[other]], key=self.doc_order.get),
            rule="repeated_figure",
            table=table,
            check_id=f"repeated:{table}:{label}:{place(first)}|{place(other)}",
        )
        return row

    def repeated_figures(self) -> list[dict]:
        return [self.run(check) for check in self.repeated_checks()]


@dataclass(frozen=True)
class Check:
    """One evaluation: a rule for one document and group, or a repeated figure (rule None)."""

    rule: Rule | None
    document: str | None
    group: tuple = ()
    pair: tuple | None = None  # (table, first row, other row, key label) of a repeated figure


def intervention_rules(forbund: Forbund) -> list[Rule]:
    """Children vs parent for every parent named in a document's interventions.csv."""
    rules = []
    for doc in forbund.documents:
        interventions = doc.tables.get("interventions")
        if interventions is None:
            continue
        children = interventions.dropna(subset=["parent"]).groupby("parent")["intervention"].apply(list)
        for parent, kids in children.items():
            for table, for_each in (
                ("intervention_finance", ("year", "basis", "measure", "section")),
                ("participants", ("year", "group", "measure", "gender", "unit", "section")),
            ):
                rules.append(
                    Rule(
                        id=f"children_vs_parent:{table}:{parent}",
                        table=table,
                        for_each=for_each,
                        total=Operand(filters={"intervention": parent}),
                        parts=(Operand(filters={"intervention": {"in": kids}}),),
                        owner=doc.document_id,
                        origin=f"{doc.folder}/interventions.csv",
                    )
                )
    return rules


def skipped_rules(forbund: Forbund) -> dict[str, dict[str, str]]:
    """Package rules a document opts out of, with the reason: {document: {rule id: reason}}.

    For a layout the generic identity does not fit (e.g. member contributions booked among the
    financial items); the document then declares its own checks of the same identity.
    """
    known = {rule.id for rule in package_rules()}
    result = {}
    for doc in forbund.documents:
        entries = (doc.checks or {}).get("skip") or []
        origin = doc.folder / "checks.yaml"
        for entry in entries:
            if not isinstance(entry, dict) or not entry.get("rule") or not str(entry.get("reason", "")).strip():
                raise RuleError(f"{origin}: skip: {entry!r}: expected {{rule: <package rule id>, reason: <why>}}")
            if entry["rule"] not in known:
                raise RuleError(f"{origin}: skip: {entry['rule']!r} is not a package rule ({', '.join(sorted(known))})")
            result.setdefault(doc.document_id, {})[entry["rule"]] = entry["reason"]
    return result


def _insensitive_refs(evaluator: Evaluator, doc, entry) -> list[str]:
    """Row references of the rows one `insensitive` entry names (filters as in a rule's where)."""
    table = entry.get("table")
    if table not in evaluator.frames:
        return []
    try:
        mask = evaluator.mask(table, {**(entry.get("where") or {}), "document": doc.document_id})
    except RuleError:
        return []
    return list(evaluator.frames[table].loc[mask, "_ref"])


def insensitive_problems(forbund: Forbund) -> list[Problem]:
    """An `insensitive` entry must name at least one curated row: never a silent no-op."""
    out = []
    evaluator = None
    for doc in forbund.documents:
        entries = (doc.checks or {}).get("insensitive") or []
        for i, entry in enumerate(entries):
            evaluator = evaluator or Evaluator(forbund)
            if not _insensitive_refs(evaluator, doc, entry):
                out.append(
                    Problem(
                        doc.folder / "checks.yaml",
                        line_of(entries, i),
                        "insensitive",
                        f"{dict(entry)!r} matches no row of {entry['table']}.csv in {doc.document_id}",
                    )
                )
    return out


def insensitive_rows(forbund: Forbund) -> dict[str, str]:
    """Rows whose checks cannot see a one-unit error, declared in checks.yaml with the reason.

    E.g. a total printed only inside a whole-percent ratio: 1 tkr of 12 802 moves no per cent.
    The one-unit mutation test expects exactly these to survive: {row reference: reason}.
    """
    evaluator = Evaluator(forbund)
    return {
        ref: entry["reason"]
        for doc in forbund.documents
        for entry in (doc.checks or {}).get("insensitive") or []
        for ref in _insensitive_refs(evaluator, doc, entry)
    }


def document_rules(forbund: Forbund) -> list[Rule]:
    rules = []
    for doc in forbund.documents:
        if doc.checks:
            declared = {k: v for k, v in doc.checks.items() if k not in NOT_RULES}
            rules.extend(parse_rules(declared, origin=str(doc.folder / "checks.yaml"), owner=doc.document_id))
    return rules


def all_rules(forbund: Forbund) -> list[Rule]:
    return [*package_rules(), *intervention_rules(forbund), *document_rules(forbund)]


def evaluate_forbund(forbund: Forbund, frames: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Every check of one förbund, evaluated (ok rows included).

    A document's own rule (checks.yaml) that evaluates nothing is an error: it checks nothing.
    """
    evaluator = Evaluator(forbund, frames)
    rows = []
    for rule in all_rules(forbund):
        try:
            found = evaluator.evaluate(rule)
        except RuleError as exc:
            raise RuleError(f"{rule.origin}{f':{rule.line}' if rule.line else ''}: {rule.id}: {exc}") from None
        if not found and rule.owner is not None and rule.origin.endswith("checks.yaml"):
            raise RuleError(
                f"{rule.origin}{f':{rule.line}' if rule.line else ''}: {rule.id}: matches no rows "
                "(its total or a required part is absent in every group); a check that checks nothing is an error"
            )
        rows.extend(found)
    rows.extend(evaluator.repeated_figures())
    frame = pd.DataFrame(
        rows, columns=[c for c in FINDING_COLUMNS if c not in ("registered_kind", "explanation", "explanation_sv")]
    )
    return frame


def registered(forbunds: list[Forbund]) -> pd.DataFrame:
    parts = []
    for forbund in forbunds:
        for doc in forbund.documents:
            if doc.discrepancies is not None and not doc.discrepancies.empty:
                frame = doc.discrepancies.copy()
                frame["forbund"] = forbund.slug
                frame["document"] = doc.document_id
                frame["ref"] = [f"{forbund.slug}/{doc.document_id}/known_discrepancies.csv:{n}" for n in frame["_line"]]
                parts.append(frame)
    if not parts:
        return pd.DataFrame(
            columns=[
                "forbund",
                "document",
                "check_id",
                "expected",
                "actual",
                "difference",
                "kind",
                "explanation",
                "ref",
            ]
        )
    return pd.concat(parts, ignore_index=True)


def reconcile(tables: Tables) -> pd.DataFrame:
    """All checks of all förbund in the built tables, with a status each (see reconcile_raw).

    Checks read the raw documents (their lines, checks.yaml, registered findings): tables read
    back from data/processed carry none, and checking them would silently check nothing.
    """
    if not tables.raw and len(tables.forbund):
        raise ValueError(
            "these tables carry no raw documents (read from data/processed?): nothing could be "
            "checked; reconcile tables built from data/raw (finsam_analysis.load() or finsam validate)"
        )
    return reconcile_raw(tables.raw)


def reconcile_raw(forbunds: list[Forbund]) -> pd.DataFrame:
    """All checks of the given loaded förbund with a status each.

    status: ok (within tolerance) | registered (a finding explained in known_discrepancies.csv)
    | unexplained (a finding nobody explained) | changed (registered with another difference:
    a figure moved) | stale (registered, but the check no longer finds it).

    First every document check must bind (binding_problems): a typo is a CurationError naming
    file, line and rule, never a check that silently matches nothing.
    """
    checked = [check_frames(forbund) for forbund in forbunds]  # once per förbund, for both steps
    problems = [p for forbund, frames in zip(forbunds, checked) for p in binding_problems(forbund, frames=frames)]
    if problems:
        raise CurationError(problems)
    frames = [evaluate_forbund(f, rows) for f, rows in zip(forbunds, checked)]
    results = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=FINDING_COLUMNS)
    known = registered(forbunds)
    results["registered_kind"] = ""
    results["explanation"] = ""
    results["explanation_sv"] = ""  # the curated Swedish text the documents show
    duplicate_ids = results.duplicated(["forbund", "document", "check_id"], keep=False)
    if duplicate_ids.any():
        dupes = results.loc[duplicate_ids, "check_id"].unique()
        raise RuleError(f"check ids are not unique (give the checks distinct ids): {', '.join(dupes[:5])}")
    index = {(r.forbund, r.document, r.check_id): i for i, r in enumerate(results.itertuples(index=False))}
    stale = []
    for reg in known.itertuples(index=False):
        i = index.get((reg.forbund, reg.document, reg.check_id))
        if i is None or results.at[i, "status"] == "ok":
            stale.append(
                dict(
                    forbund=reg.forbund,
                    document=reg.document,
                    check_id=reg.check_id,
                    rule="registration",
                    table="known_discrepancies",
                    expected=reg.expected,
                    actual=reg.actual,
                    difference=reg.difference,
                    tolerance=0.0,
                    unit="",
                    status="stale",
                    suggested_kind="",
                    registered_kind=reg.kind,
                    explanation=f"{reg.ref}: registered but "
                    + ("no such check" if i is None else "the check now passes"),
                    rows=reg.ref,
                )
            )
            continue
        results.at[i, "registered_kind"] = reg.kind
        results.at[i, "explanation"] = reg.explanation
        sv = getattr(reg, "explanation_sv", "")
        results.at[i, "explanation_sv"] = sv if isinstance(sv, str) else ""
        same = abs(results.at[i, "difference"] - reg.difference) <= REGISTERED_MATCH
        results.at[i, "status"] = "registered" if same else "changed"
    results.loc[results["status"] == "finding", "status"] = "unexplained"
    if stale:
        results = pd.concat([results, pd.DataFrame(stale)], ignore_index=True)
    return results.reset_index(drop=True)


FAILING = ("unexplained", "changed", "stale")


def registered_differences(forbunds: list[Forbund]) -> dict[tuple[str, str, str], float]:
    """{(forbund, document, check_id): registered difference} from known_discrepancies.csv."""
    known = registered(forbunds)
    return {(r.forbund, r.document, r.check_id): float(r.difference) for r in known.itertuples(index=False)}


def fails(row: dict | None, registered_difference: float | None) -> bool:
    """Whether one evaluated check (None: not evaluated) makes validation fail, by the same
    rules as reconcile_raw: an unregistered finding, a registration whose difference no longer
    matches, or a registration of a check that passes or is gone."""
    if row is None or row["status"] == "ok":
        return registered_difference is not None
    if registered_difference is None:
        return True
    return abs(row["difference"] - registered_difference) > REGISTERED_MATCH


def summary(results: pd.DataFrame) -> pd.DataFrame:
    """Counts per förbund, document and status."""
    return (
        results.groupby(["forbund", "document", "status"]).size().unstack(fill_value=0).reset_index()
        if len(results)
        else pd.DataFrame()
    )
