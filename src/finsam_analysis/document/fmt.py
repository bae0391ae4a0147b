"""Swedish number formatting for report text, tables and plot axes.

Swedish style: a (narrow) space as thousands separator, comma as decimal mark, minus sign
as in the documents ("-805"), "%" after a space ("21,2 %").
"""
from __future__ import annotations

import math

from finsam_analysis.data.numbers import printed_decimals  # noqa: F401  (moved to data.numbers; kept importable)

THOUSANDS = "\u00a0"  # no-break space: keeps "18 022" on one line in HTML


def number(value: float | int | None, decimals: int = 0, missing: str = "–") -> str:
    """Format a number the Swedish way: number(246185.14, 2) -> '246 185,14'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    text = f"{value:,.{decimals}f}"
    return text.replace(",", THOUSANDS).replace(".", ",")


def kronor(value: float | None, decimals: int = 0, missing: str = "–") -> str:
    """'246 185 kr'."""
    text = number(value, decimals, missing)
    return text if text == missing else f"{text} kr"


def tkr(value_sek: float | None, decimals: int = 0, missing: str = "–") -> str:
    """Kronor shown in thousands: tkr(18022000) -> '18 022 tkr'."""
    if value_sek is None or (isinstance(value_sek, float) and math.isnan(value_sek)):
        return missing
    return f"{number(value_sek / 1000, decimals)} tkr"


def percent(value: float | None, decimals: int = 1, missing: str = "–") -> str:
    """A value already in percent: percent(21.18) -> '21,2 %'."""
    text = number(value, decimals, missing)
    return text if text == missing else f"{text} %"
