"""Which insats a sentence or a heading is about: the names of the document's interventions.csv.

When the curator has typed interventions.csv (a short list, usually first), prose figures are
proposed for the insats a clause names ("I samordningsteamet har 66 procent ...") or for the
insats whose heading is in force; without the list every prose row is for the whole förbund
(`*`). Names match on their letters (aliases.fold), tolerating a definite ending
("Samordningsteam" / "Samordningsteamet") and "projektet X" for "Projekt X".
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from finsam_analysis.curation.aliases import fold

ENDINGS = ("et", "en", "na", "n", "t")


def _forms(name: str) -> set[str]:
    key = fold(name)
    forms = {key}
    for ending in ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= 6:
            forms.add(key[: -len(ending)])
    if key.startswith("projekt"):
        forms |= {"projektet" + f[len("projekt") :] for f in list(forms)}
    return {f for f in forms if len(f) >= 5}


@dataclass
class Interventions:
    names: list[str] = field(default_factory=list)

    def mentions(self, text: str) -> list[str]:
        """The interventions the text names (a name inside a longer named one does not count)."""
        key = fold(text)
        hits = [n for n in self.names if any(f in key for f in _forms(n))]
        return [n for n in hits if not any(n != o and fold(n) in fold(o) for o in hits)]

    def canonical(self, heading: str) -> str | None:
        """The intervention a heading names (exact letters, a definite ending, or nearly the same)."""
        key = fold(heading)
        for name in self.names:
            if key in _forms(name) or fold(name) in {key + e for e in ENDINGS}:
                return name
        close = difflib.get_close_matches(key, [fold(n) for n in self.names], n=1, cutoff=0.85)
        return next((n for n in self.names if close and fold(n) == close[0]), None)


def load_interventions(folder: Path) -> Interventions:
    path = folder / "interventions.csv"
    if not path.exists():
        return Interventions()
    with open(path, encoding="utf-8", newline="") as handle:
        names = [r["intervention"] for r in csv.DictReader(handle) if (r.get("intervention") or "").strip()]
    return Interventions([n for n in names if not re.fullmatch(r"totalt|summa", n, re.I)])
