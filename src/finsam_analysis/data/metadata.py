"""Metadata files checked against the readable schema in metadata_schema.yaml.

`check(data, "forbund.yaml", path)` returns one Problem per violation, each with the file, the
line (from the strict YAML loader) and the key path: `forbund.yaml:7: members: 5: expected a
list of ...`. The spec language is documented at the top of metadata_schema.yaml and in
docs/curation.md.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

from finsam_analysis.data.errors import Problem
from finsam_analysis.data.yamlfile import line_of, load_yaml

SCHEMA_FILE = Path(__file__).with_name("metadata_schema.yaml")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


@lru_cache(maxsize=1)
def schema() -> dict:
    return load_yaml(SCHEMA_FILE)


def _resolve(spec: dict) -> dict:
    while "$ref" in spec:
        ref = spec["$ref"]
        rest = {k: v for k, v in spec.items() if k != "$ref"}
        spec = {**schema()["definitions"][ref], **rest}
    return spec


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(spec: dict) -> str:
    spec = _resolve(spec)
    kind = spec["type"]
    if kind == "mapping":
        keys = ", ".join(spec.get("keys", {}))
        return f"a mapping ({keys})" if keys else "a mapping"
    if kind == "list":
        return f"a list of {_describe(spec['items'])}" if "items" in spec else "a list"
    if kind == "word":
        return (
            "one of " + ", ".join(map(str, spec["enum"]))
            if "enum" in spec
            else f"a word from the vocabulary's {spec['domain']}"
        )
    return {
        "text": "a non-empty text without spaces around it",
        "slug": "a slug (lowercase ASCII words joined by '-')",
        "year": "a year like 2024",
        "integer": "a whole number",
        "number": "a number",
        "boolean": "true or false",
        "date": "a date YYYY-MM-DD",
        "date_or_month": "a date YYYY-MM-DD or 'YYYY-MM'",
        "sha256": "a sha256 (64 lowercase hex digits)",
        "scalar": "a plain text or number",
        "filter": "a value, {not: value} or {in: [values]}",
        "any": "anything",
    }[kind]


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _scalar_ok(value) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool) and value != ""


def _check(value, spec: dict, path: Path, where: str, line: int | None, vocab, out: list[Problem]) -> None:
    spec = _resolve(spec)
    kind = spec["type"]

    def bad(message: str | None = None, at: int | None = None) -> None:
        out.append(Problem(path, at or line, where or None, message or f"{_short(value)}: expected {_describe(spec)}"))

    if value is None:
        if not spec.get("nullable"):
            bad(f"is empty (null); expected {_describe(spec)}")
        return
    if kind == "any":
        return
    if kind == "mapping":
        if not isinstance(value, dict):
            return bad()
        keys = spec.get("keys", {})
        for name, sub in keys.items():
            if name not in value and not _resolve(sub).get("optional"):
                bad(f"missing key {name!r}; expected {_describe(spec)}")
        for key, item in value.items():
            sub = keys.get(key, spec.get("values"))
            child = f"{where}.{key}" if where else str(key)
            if sub is None:
                bad(f"unknown key {key!r}; expected {_describe(spec)}", line_of(value, key))
                continue
            if not isinstance(key, str) or key == "":
                bad(f"key {_short(key)} is not a plain text", line_of(value, key))
                continue
            _check(item, sub, path, child, line_of(value, key) or line, vocab, out)
        return
    if kind == "list":
        if not isinstance(value, list):
            return bad()
        if len(value) < spec.get("min_items", 0) or len(value) > spec.get("max_items", 10**6):
            lo, hi = spec.get("min_items", 0), spec.get("max_items")
            count = f"exactly {lo}" if lo == hi else f"at least {lo}" if hi is None else f"{lo}-{hi}"
            return bad(f"{_short(value)}: expected {count} items, {_describe(spec)}")
        for i, item in enumerate(value):
            _check(item, spec["items"], path, f"{where}[{i}]", line_of(value, i) or line, vocab, out)
        return
    if kind == "filter":
        if isinstance(value, dict):
            if len(value) != 1 or next(iter(value)) not in ("not", "in"):
                return bad()
            op, operand = next(iter(value.items()))
            if op == "not" and not _scalar_ok(operand):
                return bad()
            if op == "in" and not (isinstance(operand, list) and operand and all(_scalar_ok(v) for v in operand)):
                return bad()
            return
        if not _scalar_ok(value):
            bad()
        return
    ok = {
        "text": lambda v: isinstance(v, str) and v.strip() != "" and v == v.strip(),
        "slug": lambda v: isinstance(v, str) and bool(SLUG.match(v)),
        "year": lambda v: _is_int(v) and 1900 <= v <= 2100,
        "integer": _is_int,
        "number": lambda v: (_is_int(v) or isinstance(v, float)) and v == v and abs(v) != float("inf"),
        "boolean": lambda v: isinstance(v, bool),
        "date": lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime),
        "date_or_month": lambda v: (
            (isinstance(v, dt.date) and not isinstance(v, dt.datetime)) or (isinstance(v, str) and bool(MONTH.match(v)))
        ),
        "sha256": lambda v: isinstance(v, str) and bool(SHA256.match(v)),
        "scalar": _scalar_ok,
        "word": lambda v: (
            isinstance(v, str)
            and (v in spec["enum"] if "enum" in spec else vocab is None or v in vocab.domains.get(spec["domain"], {}))
        ),
    }[kind]
    if not ok(value):
        return bad()
    if isinstance(value, str):
        if "pattern" in spec and not re.search(spec["pattern"], value):
            return bad(f"{_short(value)}: expected {_describe(spec)} matching {spec['pattern']}")
        if len(value) > spec.get("max_length", 10_000):
            return bad(f"{_short(value)}: longer than {spec.get('max_length', 10_000)} characters")


def check(data, file_kind: str, path: Path, vocab=None) -> list[Problem]:
    """Problems of one parsed metadata file against its spec (file_kind: a key of `files:`)."""
    out: list[Problem] = []
    _check(data, schema()["files"][file_kind], Path(path), "", getattr(data, "line", None), vocab, out)
    return out
