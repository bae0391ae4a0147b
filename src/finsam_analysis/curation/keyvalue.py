"""Label-value lines outside the statement tables: the balanskravsutredning.

"Årets resultat enligt resultaträkningen<TAB>200 271 kr", "+246 tkr<TAB>Årets resultat enligt
resultaträkningen", "Balanskravsresultat : 3 501 873 kr": one label and one figure per line, in
either order, under a heading about the balance requirement (a numbered section, or a heading
line of its own inside one). Proposed as `text` rows of the
fiscal year (that is how the curation guide files them).
"""

from __future__ import annotations

import re

from finsam_analysis.curation.aliases import Aliases
from finsam_analysis.curation.numbers import parse_figure
from finsam_analysis.curation.proposal import Proposal
from finsam_analysis.curation.text import Line

SECTION = re.compile(r"balanskrav", re.I)
FIGURE = r"(?P<sign>[-+=/ ]*?)(?P<n>\d{1,3}(?: \d{3})+(?:,\d+)?|\d+(?:,\d+)?)\s*(?P<unit>tkr|mkr|kr)?\.?"
LEADING = re.compile(rf"^\s*=?\s*{FIGURE}\s*(?:\t|\s{{2,}})\s*(?P<label>[A-Za-zÅÄÖåäö].*?)\s*$")
TRAILING = re.compile(rf"^\s*[-+=/ ]*(?P<label>[A-Za-zÅÄÖåäö][^\t:]*?)\s*(?:\t|:|\s{{2,}})\s*{FIGURE}\s*$")


def read_key_values(
    lines: list[Line], sections: dict[int, str], aliases: Aliases, fiscal_year: int | None
) -> list[Proposal]:
    if fiscal_year is None:
        return []
    found: list[tuple[Line, str, re.Match]] = []
    local: tuple[str, str] | None = None  # (section in force, title) of an unnumbered heading line
    for line in lines:
        section = sections.get(line.number, "")
        if local and local[0] != section:
            local = None
        if _title(line.text):
            local = (section, line.text.strip())
            continue
        if not (SECTION.search(section) or local) or not line.text.strip():
            continue
        match = LEADING.match(line.text) or TRAILING.match(line.text)
        if match and len(match.group("label").split()) <= 10:
            found.append((line, section if SECTION.search(section) else local[1], match))
    units = [m.group("unit") for _, _, m in found if m.group("unit")]
    default_unit = units[0] if units else "kr"
    out = []
    for line, section, match in found:
        item = aliases.item(match.group("label"), "text")
        value = parse_figure(match.group("n"))
        if item is None or value is None:
            continue
        sign = match.group("sign").replace(" ", "")
        if sign.startswith("-") and "/" not in sign and value:
            value = -value
        decimals = len(match.group("n").partition(",")[2])
        row = {
            "statement": "text",
            "year": fiscal_year,
            "basis": "utfall",
            "item": item,
            "value": f"{value:.{decimals}f}",
            "unit": match.group("unit") or default_unit,
            "section": section,
            "page": "" if line.page is None else str(line.page),
            "note": match.group("label").strip(),
        }
        out.append(Proposal("financials", row, printed=match.group(0).strip(), line=line.number, confidence=0.8))
    return out


def _title(text: str) -> bool:
    """A heading line of its own about the balance requirement ("Balanskravsresultat")."""
    words = text.split()
    return (
        0 < len(words) <= 4 and "\t" not in text.strip() and not re.search(r"\d", text) and bool(SECTION.search(text))
    )
