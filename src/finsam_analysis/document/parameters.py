"""The report template's parameters: declared once, checked once before any work.

The runner checks every value here before it renders anything (one exit 2 with the reason,
nothing written); `sections.prepare` applies the same checks when an analyst runs the
template by hand. Reading the template's parameter names needs no papermill import: the
`parameters` cell is plain Python assignments, parsed with `ast`.
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finsam_analysis.data.paths import check_slug


def _whole(value: Any) -> bool:
    return type(value) is int  # bool, float, numpy and str are all refused


def _check_year(name: str, value: Any) -> None:
    if value is not None and not (_whole(value) and 1900 <= value <= 2100):
        raise ValueError(f"{name} must be a whole year 1900-2100 (or None for the default), got {value!r}")


def _check_threshold(name: str, value: Any) -> None:
    if not (_whole(value) and 1 <= value <= 1000):
        raise ValueError(f"{name} must be a whole number >= 1 and <= 1000 (counts below it are masked), got {value!r}")


def _check_base_year(name: str, value: Any) -> None:
    _check_year(name, value)
    if value is None:
        return
    from finsam_analysis.data import reference

    kpi_years = set(int(y) for y in reference.load_kpi()["year"])
    if value not in kpi_years:
        raise ValueError(f"{name} {value!r} has no KPI; KPI years: {min(kpi_years)}-{max(kpi_years)}")


@dataclass(frozen=True)
class Parameter:
    name: str
    meaning: str
    check: Any  # callable(name, value) raising ValueError


PARAMETERS = {
    p.name: p
    for p in (
        Parameter("forbund", "förbund slug", lambda n, v: check_slug(v)),
        Parameter("year", "report year, or None for the latest with outcome figures", _check_year),
        Parameter("suppression_threshold", "counts below this are never shown", _check_threshold),
        Parameter("base_year", "fixed prices in this year's money (KPI); None = the report year", _check_base_year),
    )
}


def check_values(values: Mapping[str, Any]) -> None:
    """ValueError naming the first parameter whose value is out of its declared type or range."""
    for name, value in values.items():
        if name in PARAMETERS:
            PARAMETERS[name].check(name, value)
    try:
        json.dumps(dict(values), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"parameters must be plain JSON values: {exc}") from exc
    for name, value in values.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")


def declared_parameters(template: Path) -> set[str]:
    """The names assigned in the template's cell tagged `parameters` (empty if none)."""
    try:
        notebook = json.loads(Path(template).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{template}: cannot read the report template: {exc}") from exc
    names: set[str] = set()
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            try:
                tree = ast.parse(source)
            except SyntaxError as exc:
                raise ValueError(f"{template}: the parameters cell is not valid Python: {exc}") from exc
            for node in tree.body:
                targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


# The values a report gets when a parameter is not passed (the template's parameters cell).
DEFAULTS = {"year": None, "suppression_threshold": 5, "base_year": None}
SHORT_NAMES = {"suppression_threshold": "troskel", "base_year": "basar"}


def variant(parameters: Mapping[str, Any]) -> str:
    """'' for the default parameters, else a file-name suffix naming the others, e.g.
    '--troskel-10' (a slug never holds '--', so the name cannot collide with a förbund's)."""
    parts = []
    for name in sorted(parameters):
        if name in ("forbund", "year") or parameters[name] == DEFAULTS.get(name, object()):
            continue
        value = parameters[name]
        parts.append(f"{SHORT_NAMES.get(name, name.replace('_', '-'))}-{str(value).lower()}")
    return "".join(f"--{p}" for p in parts)
