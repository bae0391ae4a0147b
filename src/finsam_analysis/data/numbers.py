"""The one number grammar for curated values, and a figure's printed precision.

A curated number is ASCII digits with an optional leading minus and optional decimals after a
point: `-22704789.01`, `18022`, `0.5`. Nothing else that Python's float() also happens to accept
gets through: no exponent (`1e6`), no `inf`/`nan`, no underscores (`18_022`), no other scripts'
digits (`١٨`, `１８`), no surrounding space or tab, no `+`. Every rejection says what is wrong
and what is expected, so the loader can report `file:line: column: 'value': expected ...`.

Kinds (what a column holds):
- `year`: a plain integer year, 1900-2100 (no `2024.0`)
- `int`: a plain integer (no decimals)
- `count`: a whole number >= 0 (persons, respondents, board members)
- `share`: a number within 0-100 (a percentage of a whole)
- `float`: any number in the grammar
"""

from __future__ import annotations

import re

GRAMMAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
DECIMAL_COMMA = re.compile(r"^[-+]?[0-9][0-9 \u00a0]*,[0-9]+$")
MAX_DIGITS = 15  # a float holds 15 significant decimal digits exactly
EXPECTED = "expected a plain number: ASCII digits, an optional leading minus, an optional point and decimals (e.g. -22704789.01)"
YEARS = (1900, 2100)
KINDS = ("year", "int", "count", "share", "float")


def _suggestion(text: str) -> str | None:
    """A corrected spelling for the common mistakes, if there is an obvious one."""
    candidate = text.strip().replace(" ", "").replace("\u00a0", "").replace("_", "").lstrip("+")
    if DECIMAL_COMMA.match(text.strip()):
        candidate = candidate.replace(",", ".")
    try:  # other scripts' digits -> ASCII
        candidate = "".join(str(int(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in candidate)
    except ValueError:
        return None
    return candidate if GRAMMAR.fullmatch(candidate) and candidate != text else None


def parse_number(text: str, kind: str = "float") -> tuple[float | int | None, str | None]:
    """(value, None), or (None, what is wrong incl. what is expected). Empty text is (None, None)."""
    if kind not in KINDS:
        raise ValueError(f"unknown number kind {kind!r}; expected one of {', '.join(KINDS)}")
    if text == "":
        return None, None
    shown = repr(text) if len(text) <= 40 else repr(text[:40] + "...")
    if not GRAMMAR.fullmatch(text):
        fix = _suggestion(text)
        if DECIMAL_COMMA.match(text):
            return (
                None,
                f"{shown} uses a decimal comma or a space; expected a plain number like {fix or text.replace(' ', '').replace(',', '.')}",
            )
        if text.strip() != text:
            return None, f"{shown} has a space or tab around the number; expected {fix or 'the number alone'}"
        if " " in text or "\u00a0" in text:
            return (
                None,
                f"{shown} contains a space; expected digits only like {fix or text.replace(' ', '').replace(chr(160), '')}",
            )
        if text.startswith("+"):
            return (
                None,
                f"{shown} has a plus sign; expected {fix or 'the number without +'} (a minus only for negative figures)",
            )
        if any(ch.isdigit() and not ch.isascii() for ch in text):
            return None, f"{shown} has non-ASCII digits; expected ASCII digits 0-9{f' like {fix}' if fix else ''}"
        if "_" in text:
            return None, f"{shown} has an underscore; expected digits only{f' like {fix}' if fix else ''}"
        if re.fullmatch(r"-?0[0-9]+(\.[0-9]+)?", text):
            return None, f"{shown} has a leading zero; expected {text.lstrip('-').lstrip('0') or '0'} without it"
        if re.search(r"[eE]", text) and re.fullmatch(r"[-+]?[0-9.]+[eE][-+]?[0-9]+", text):
            return None, f"{shown} is in exponent notation; {EXPECTED}"
        return None, f"{shown} is not a number; {EXPECTED}"
    digits = len(text.lstrip("-").replace(".", "").lstrip("0"))
    if digits > MAX_DIGITS:
        return None, f"{shown} has {digits} significant digits; expected at most {MAX_DIGITS}"
    if kind in ("year", "int", "count"):
        if not INTEGER.fullmatch(text):
            what = {
                "year": "a year",
                "int": "a whole number",
                "count": "a whole number (a count of persons or things)",
            }[kind]
            return None, f"{shown} is not a whole number; expected {what} without decimals, like {text.split('.')[0]}"
        value = int(text)
        if kind == "year" and not YEARS[0] <= value <= YEARS[1]:
            return None, f"{shown} is not a plausible year; expected a year {YEARS[0]}-{YEARS[1]}"
        if kind == "count" and value < 0:
            return None, f"{shown} is negative; expected a count >= 0"
        return value, None
    value = float(text)
    if kind == "share" and not 0 <= value <= 100:
        return None, f"{shown} is not a share of a whole; expected a percentage within 0-100"
    return value, None


def check_value(value: float, kind: str, text: str) -> str | None:
    """What is wrong with an already parsed `value` for `kind` (count/share), else None."""
    if kind == "count":
        if value != int(value):
            return f"{text!r} is not a whole number; expected a count of persons or things without decimals"
        if value < 0:
            return f"{text!r} is negative; expected a count >= 0"
    if kind == "share" and not 0 <= value <= 100:
        return f"{text!r} is not a share of a whole; expected a percentage within 0-100"
    return None


def printed_decimals(value: float) -> int:
    """How many decimals a printed figure carries (62 -> 0, 12.4 -> 1, 246185.14 -> 2), at most 3.

    Used where only the number is at hand, to know its rounding step (e.g. a printed share).
    """
    for d in range(4):
        scaled = value * 10**d
        if abs(scaled - round(scaled)) < 1e-9:
            return d
    return 3
