"""Swedish number formatting for report text, tables and plot axes.

Swedish style: a no-break space as thousands separator, comma as decimal mark, the minus
sign "−" (U+2212, as in Swedish typesetting: "−805"), "%" and units after a no-break space
("21,2 %"), so that no figure ever breaks across lines.
"""

from __future__ import annotations

import math

from finsam_analysis.data.numbers import printed_decimals  # noqa: F401  (moved to data.numbers; kept importable)

THOUSANDS = "\u00a0"  # no-break space: keeps "18 022" on one line in HTML
MINUS = "\u2212"


def number(value: float | int | None, decimals: int = 0, missing: str = "–") -> str:
    """Format a number the Swedish way: number(246185.14, 2) -> '246 185,14'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    text = f"{value:,.{decimals}f}"
    return _clean_zero(text.replace(",", THOUSANDS).replace(".", ",")).replace("-", MINUS)


def kronor(value: float | None, decimals: int = 0, missing: str = "–") -> str:
    """'246 185 kr'."""
    text = number(value, decimals, missing)
    return text if text == missing else f"{text}{THOUSANDS}kr"


def tkr(value_sek: float | None, decimals: int = 0, missing: str = "–") -> str:
    """Kronor shown in thousands: tkr(18022000) -> '18 022 tkr'."""
    if value_sek is None or (isinstance(value_sek, float) and math.isnan(value_sek)):
        return missing
    return f"{number(value_sek / 1000, decimals)}{THOUSANDS}tkr"


def percent(value: float | None, decimals: int = 1, missing: str = "–") -> str:
    """A value already in percent: percent(21.18) -> '21,2 %'."""
    text = number(value, decimals, missing)
    return text if text == missing else f"{text}{THOUSANDS}%"


def _clean_zero(text: str) -> str:
    """'-0' and '-0,0' are zero: no sign."""
    return text[1:] if text[:1] in ("-", "\u2212") and not any(ch in "123456789" for ch in text) else text


def signed(value: float | None, decimals: int = 0, unit: str = "kr", missing: str = "–") -> str:
    """A change with its sign: '+1 234 kr', '−805 kr', '0 kr'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    text = _clean_zero(number(value, decimals))
    if not text.startswith(MINUS) and any(ch in "123456789" for ch in text):
        text = "+" + text
    if text.lstrip("+" + MINUS) == "1":
        unit = SINGULAR.get(unit, unit)  # '+1 procentenhet', '−1 person'
    return f"{text}{THOUSANDS}{unit}" if unit else text


# units whose Swedish word changes for exactly one
SINGULAR = {"procentenheter": "procentenhet", "personer": "person"}


def mnkr(value_sek: float | None, decimals: int = 1, missing: str = "–") -> str:
    """Kronor in millions: mnkr(22708000) -> '22,7 mnkr'."""
    if value_sek is None or (isinstance(value_sek, float) and math.isnan(value_sek)):
        return missing
    return f"{_clean_zero(number(value_sek / 1e6, decimals))}{THOUSANDS}mnkr"


def approx(text: str, derived: bool = False) -> str:
    """An approximate figure ('ca 2,2 mnkr', as printed by the source) or a derived one ('≈ 32')."""
    return f"≈ {text}" if derived else f"ca {text}"


def plural(n: int, one: str, many: str) -> str:
    """'1 avvikelse', '3 avvikelser'."""
    return f"{number(n)} {one if n == 1 else many}"


MARKDOWN_SPECIAL = "\\`*_{}[]()#+!|~>"


def md(text: object) -> str:
    """Curated text made inert in Markdown and HTML: a name like 'Sjuhärad <script>' shows as
    typed, never as markup (HTML-escaped, Markdown punctuation backslash-escaped)."""
    import html

    out = html.escape(str(text), quote=True)
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in out)
