"""Row labels -> members of the förbund (forbund.yaml), for member contributions."""

from __future__ import annotations

from finsam_analysis.curation.aliases import fold

STATE_PAYER = "Försäkringskassan"  # the state's contribution is paid through Försäkringskassan (lag 2003:1210)
ALL_KOMMUNER = {"kommuner", "kommunerna", "summakommuner", "kommunernatotalt"}
REGION_WORDS = {"regionen", "landstinget", "regionens", "landstingets"}
GRAND_TOTAL = {"totalt", "summa", "total", "summamedlemsavgifter", "summamedlemsbidrag", "totaltmedlemsbidrag"}


def member_of(label: str, members: dict[str, str]) -> tuple[str, str] | None:
    """(member, member_kind) a label names, '*' rows for printed totals, or None."""
    key = fold(label)
    if not key:
        return None
    if key == "staten" and STATE_PAYER in members:
        return STATE_PAYER, members[STATE_PAYER]
    if key in ALL_KOMMUNER:
        return "*", "kommun"
    regions = [(n, k) for n, k in members.items() if k == "region"]
    if len(regions) == 1 and (key in REGION_WORDS or key.startswith("delregional")):
        return regions[0]  # the region pays through a (delregional) nämnd of its own
    best = None
    for name, kind in members.items():
        name_key = fold(name)
        # "Provbys kommun", "Provby Stad", "Region Provland" (any case), "Försäkringskassa"
        if (
            key == name_key
            or (key.startswith(name_key) and key[len(name_key) :] in ("", "s", "kommun", "skommun", "stad", "sstad"))
            or (len(key) >= 8 and name_key.startswith(key))
        ):
            if best is None or len(name_key) > len(fold(best[0])):
                best = (name, kind)
    return best
