"""Approximate and unusually printed figures: the `approx` and `printed` columns.

`approx` (vocabulary domain `approx`: ca, cirka, drygt, knappt, avrundat) marks a figure the
document prints as approximate. Its precision is the printed one: the last printed digit,
including the trailing zeros of a whole number ("ca 1 700 personer" is rounded to hundreds,
"ca 2,2 mkr" to 0,1 mkr). Checks allow half that step for ca/cirka/avrundat and a whole step
for drygt/knappt (the figure lies up to one step above/below the printed one).

`printed` holds the figure exactly as the document prints it where that is not the Swedish
form the tick-and-tie looks for ("7.2 m.kr", "805" for a cost printed without a minus sign):
tick-and-tie then finds `printed` in the text and checks that it says the typed value.
"""

from __future__ import annotations

import math
import re

from finsam_analysis.data.vocabulary import MONEY_UNITS, load_vocabulary

FULL_STEP = ("drygt", "knappt")  # one-sided words: up to one whole step away


def step(value: float, decimals: int, unit: str, approx: object = None) -> float:
    """The rounding step of a printed figure in comparison units (kronor for money).

    Exact figures: one unit of the last typed decimal (a count is exact: 0). Approximate ones
    also count the trailing zeros of a whole number as rounding (1700 -> 100).
    """
    factor = load_vocabulary().unit_factor(unit) if unit in MONEY_UNITS else 1.0
    if not is_approx(approx):
        return 0.0 if unit == "count" else factor * 10.0 ** (-int(decimals))
    exponent = -int(decimals)
    if decimals == 0 and value and float(value).is_integer():
        magnitude = int(abs(value))
        while magnitude and magnitude % 10 == 0:
            magnitude //= 10
            exponent += 1
    return factor * 10.0**exponent


def is_approx(word: object) -> bool:
    return isinstance(word, str) and word != ""


def allowance(value: float, decimals: int, unit: str, approx: object) -> float:
    """How far the true figure may lie from an approximate printed one (0 for an exact figure)."""
    if not is_approx(approx):
        return 0.0
    s = step(value, decimals, unit, approx)
    return s if approx in FULL_STEP else 0.5 * s


def label(word: object) -> str:
    """The word a report puts before an approximate figure ('ca', 'drygt'); '' if exact."""
    if not is_approx(word):
        return ""
    return load_vocabulary().label("approx", str(word))


_NUMBER = re.compile(r"\d[\d\s.,\u00a0\u202f]*")


def printed_value(printed: str) -> float | None:
    """The number a printed form states, unsigned: '7.2 m.kr' -> 7.2, '18 022' -> 18022, '1,5' -> 1.5.

    A comma is a decimal mark; a point is a decimal mark when one or two digits follow it (as
    in '7.2' or '3.25'), else a thousands separator ('1.250.000').
    """
    match = _NUMBER.search(str(printed))
    if not match:
        return None
    text = re.sub(r"[\s\u00a0\u202f]", "", match.group()).rstrip(".,")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") == 1 and len(text.split(".")[1]) in (1, 2):
        pass
    else:
        text = text.replace(".", "")
    try:
        return float(text)
    except ValueError:
        return None


def printed_matches(printed: str, value: float) -> bool:
    """Whether the printed form states the typed value (the sign is the curator's)."""
    stated = printed_value(printed)
    return stated is not None and math.isclose(stated, abs(float(value)), rel_tol=1e-9, abs_tol=1e-9)
