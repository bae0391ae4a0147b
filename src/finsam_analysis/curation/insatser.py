"""Which insats a sentence or a heading is about: the names of the document's interventions.csv.

When the curator has typed interventions.csv (a short list, usually first), prose figures are
proposed for the insats a clause names ("I samordningsteamet har 66 procent ...") or for the
insats whose heading is in force; without the list every prose row is for the whole förbund
(`*`). Names match on their letters (aliases.fold), tolerating a definite ending
("Samordningsteam" / "Samordningsteamet") and "projektet X" for "Projekt X".

A row label of a per-insats table resolves to a name (`resolve`) by the same letters, or by a
printed form the curator wrote in the insats's description: a quoted label ('IST Lhm'), or the
description itself up to its first colon or semicolon (a description that begins with the
label as printed). Printed totals (Totalt, Summa) are kept apart: `total`.
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


QUOTED = re.compile(r"(?<![A-Za-zÅÄÖåäö])'([^']{2,80})'")
LIST_MARK = re.compile(r"^\s*(?:[a-zA-Z]|\d{1,2})[.)]\s+")
TOTAL_WORDS = re.compile(r"summa|total|totalt|summa\s+totalt", re.I)


def printed_forms(description: str) -> list[str]:
    """The labels a description says the insats is printed as: quoted text, and its lead (the
    text before the first colon or semicolon, or the whole description when it is short)."""
    forms = [m.group(1) for m in QUOTED.finditer(description or "")]
    lead = re.split(r"[:;]", description or "", maxsplit=1)[0].strip()
    if lead and len(lead) <= 80:
        forms.append(lead)
    return forms


def bare_label(label: str) -> str:
    """A table row label without list marks, bracketed asides and a trailing colon."""
    label = LIST_MARK.sub("", label)
    label = re.sub(r"\(.*?\)", " ", label)
    return re.sub(r"\s+", " ", label).strip(" :*-–")


@dataclass
class Interventions:
    names: list[str] = field(default_factory=list)
    parents: dict[str, str] = field(default_factory=dict)  # name -> parent (interventions.csv)
    printed: dict[str, list[str]] = field(default_factory=dict)  # name -> printed forms (description)
    total: str | None = None  # the printed grand total (kind summa, named Totalt/Summa)

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

    def resolve(self, label: str) -> str | None:
        """The insats a table row label names: a printed form of the description, the same
        letters (with or without an aside in brackets), or nearly the same letters."""
        keys = {fold(label), fold(bare_label(label))} - {""}
        if not keys:
            return None
        for name, forms in self.printed.items():
            if keys & ({fold(f) for f in forms} | {fold(bare_label(f)) for f in forms}):
                return name
        for name in self.names:
            if keys & {fold(name)}:
                return name
        return self.canonical(bare_label(label)) if fold(bare_label(label)) else None

    def is_total(self, label: str) -> bool:
        return bool(TOTAL_WORDS.fullmatch(bare_label(label)))

    def common_parent(self, names: list[str]) -> str | None:
        """The one parent every named insats has (a total row closing them), else None."""
        parents = {self.parents.get(n) for n in names}
        return parents.pop() if len(parents) == 1 and None not in parents else None


def load_interventions(folder: Path) -> Interventions:
    path = folder / "interventions.csv"
    if not path.exists():
        return Interventions()
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if (r.get("intervention") or "").strip()]
    return interventions_of(rows)


def interventions_of(rows: list[dict]) -> Interventions:
    """Interventions from rows of interventions.csv (intervention, parent, description)."""
    names = [r["intervention"].strip() for r in rows]
    totals = [n for n in names if re.fullmatch(r"totalt|summa", n, re.I)]
    return Interventions(
        [n for n in names if n not in totals],
        parents={
            r["intervention"].strip(): (r.get("parent") or "").strip() for r in rows if (r.get("parent") or "").strip()
        },
        printed={r["intervention"].strip(): printed_forms(r.get("description") or "") for r in rows},
        total=totals[0] if totals else None,
    )
