"""Swedish numbers as printed: "246 185,14", "- 4 996 117", "+18 022", "28%", "0,67"."""

from __future__ import annotations

import re
from dataclasses import dataclass

SPACE = "[ \u00a0\u2009\u202f]"
# one printed figure: optional sign (possibly followed by a space), digit groups, decimals
_FIGURE = re.compile(
    rf"(?<![\w,.])(?P<sign>[-+\u2212\u2013](?:{SPACE})?)?(?P<int>\d{{1,3}}(?:{SPACE}\d{{3}})+|\d+)(?:,(?P<dec>\d+))?(?![\w])"
)
DASH_CELL = re.compile(r"^[-\u2013\u2212]$")


@dataclass(frozen=True)
class Figure:
    value: float
    decimals: int
    printed: str
    start: int
    end: int

    @property
    def magnitude(self) -> float:
        return abs(self.value)


def parse_figure(text: str) -> float | None:
    """The value of one printed figure, or None if the text is not exactly one figure."""
    text = text.strip()
    match = _FIGURE.fullmatch(text)
    if not match:
        return None
    return _value(match)


def _value(match: re.Match) -> float:
    digits = re.sub(SPACE, "", match.group("int"))
    dec = match.group("dec")
    value = float(f"{digits}.{dec}") if dec else float(digits)
    sign = (match.group("sign") or "").strip()
    return -value if sign in ("-", "\u2212", "\u2013") else value


def figures(text: str) -> list[Figure]:
    """Every figure in a cell or a run of text, left to right (greedy digit grouping)."""
    out = []
    for match in _FIGURE.finditer(text):
        dec = match.group("dec")
        out.append(Figure(_value(match), len(dec) if dec else 0, match.group(0).strip(), match.start(), match.end()))
    return out


def split_cells(line: str) -> list[str]:
    """Cells of a table line: tabs or runs of two or more spaces separate columns."""
    return [c.strip() for c in re.split(r"\t|(?: |\u00a0){2,}", line) if c.strip()]


def segmentations(chunks: list[str], wanted: int) -> list[list[str]]:
    """Ways to read space-separated digit chunks as `wanted` figures ("61 808 86 532" -> 2)."""
    results: list[list[str]] = []

    def walk(i: int, acc: list[str]) -> None:
        if len(results) > 8:
            return
        if i == len(chunks):
            if len(acc) == wanted:
                results.append(list(acc))
            return
        if len(acc) >= wanted:
            return
        first = chunks[i]
        j = i + 1
        # a figure is a first chunk of 1-3 digits (or any digits alone) followed by 3-digit groups
        candidates = [j]
        if re.fullmatch(r"[-+]?\d{1,3}", first.lstrip("-+")) or re.fullmatch(r"[-+]?\d{1,3}", first):
            while j < len(chunks) and re.fullmatch(r"\d{3}(,\d+)?", chunks[j]) and "," not in chunks[j - 1]:
                j += 1
                candidates.append(j)
        for end in reversed(candidates):  # greedy first
            acc.append(" ".join(chunks[i:end]))
            walk(end, acc)
            acc.pop()

    walk(0, [])
    return results
