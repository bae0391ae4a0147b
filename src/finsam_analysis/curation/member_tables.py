"""Member contributions in a table without year columns -> proposed member_contributions rows.

A note on the förbund's income often prints the contributions of the fiscal year under a header
that names only the unit ("Ägarparternas bidrag<TAB>tkr"), one member a row, sometimes with the
kommuner's parts beside the row ("Försäkringskassa<TAB>4 505,5<TAB>Provby 2252,1 Ås 693,1").
At least two rows must name members of forbund.yaml (members.member_of); a row `Totalt` or
`Summa` is the grand total (`*`).
"""

from __future__ import annotations

import re

from finsam_analysis.curation.aliases import fold
from finsam_analysis.curation.members import GRAND_TOTAL, member_of
from finsam_analysis.curation.numbers import parse_figure
from finsam_analysis.curation.proposal import Proposal
from finsam_analysis.curation.text import Line

YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
UNIT_CELL = re.compile(r"(?:belopp\s+(?:i\s+)?)?(tkr|mkr|kr)", re.I)
FIGURE = r"-?\d{1,3}(?: \d{3})*(?:,\d+)?|-?\d+(?:,\d+)?"
PAIR = re.compile(rf"([A-Za-zÅÄÖåäö][A-Za-zÅÄÖåäö\- ]*?)\s+({FIGURE})(?=\s+[A-Za-zÅÄÖåäö]|\s*$)")


def _header_unit(text: str) -> str | None:
    cells = [c.strip() for c in text.split("\t") if c.strip()]
    if "\t" not in text.strip() or YEAR.search(text) or not 1 <= len(cells) <= 3:
        return None
    units = [UNIT_CELL.fullmatch(c) for c in cells]
    found = [u for u in units if u]
    return found[0].group(1).lower() if len(found) == 1 else None


def _figure(text: str) -> tuple[float, int] | None:
    value = parse_figure(text.strip())
    return None if value is None else (value, len(text.strip().partition(",")[2]))


def read_member_tables(
    lines: list[Line], sections: dict[int, str], members: dict[str, str], fiscal_year: int | None
) -> list[Proposal]:
    if fiscal_year is None or not members:
        return []
    out: list[Proposal] = []
    i = 0
    while i < len(lines):
        unit = _header_unit(lines[i].text)
        if unit is None:
            i += 1
            continue
        found: list[tuple[Line, tuple[str, str], str, tuple[float, int], str]] = []
        j = i + 1
        while j < len(lines) and "\t" in lines[j].text.strip():
            cells = [c.strip() for c in lines[j].text.split("\t")]
            figure = _figure(cells[1]) if len(cells) > 1 else None
            label = cells[0]
            member = ("*", "*") if fold(label) in GRAND_TOTAL else member_of(label, members)
            if figure and member:
                found.append((lines[j], member, cells[1], figure, label))
                for name, printed in PAIR.findall(" ".join(cells[2:])):
                    part = member_of(name, members)
                    if part and part[1] == "kommun" and _figure(printed):
                        found.append((lines[j], part, printed, _figure(printed), f"{name.strip()} (beside {label})"))
            j += 1
        if sum(1 for f in found if f[1][0] != "*") >= 2:
            for line, (member, kind), printed, (value, decimals), label in found:
                row = {
                    "year": fiscal_year,
                    "basis": "utfall",
                    "member": member,
                    "member_kind": kind,
                    "value": f"{value:.{decimals}f}",
                    "unit": unit,
                    "share_pct": "",
                    "section": sections.get(line.number, ""),
                    "page": "" if line.page is None else str(line.page),
                    "note": label,
                }
                out.append(Proposal("member_contributions", row, printed=printed, line=line.number, confidence=0.75))
        i = max(j, i + 1)
    return out
