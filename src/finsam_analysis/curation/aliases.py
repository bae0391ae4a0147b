"""Swedish label aliases of the vocabulary items (data/vocabulary_aliases.yaml)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from finsam_analysis.data.vocabulary import load_vocabulary

ALIASES_FILE = Path(__file__).resolve().parents[1] / "data" / "vocabulary_aliases.yaml"
STATEMENT_KEYS = ("overview", "income_statement", "balance_sheet", "cash_flow", "operating_statement", "note", "budget")
SIGNS = ("cost", "positive", "signed")


def fold(text: str) -> str:
    """A label reduced to its letters: lower case, å/ä -> a, ö -> o, no spaces or punctuation.

    Tolerates broken text extraction ("Arets  resultat", "fo rbund") and typography."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z]", "", text)


@dataclass(frozen=True)
class Aliases:
    general: dict[str, str]  # folded label -> item
    by_statement: dict[str, dict[str, str]]
    signs: dict[str, str]  # item -> cost | positive | signed
    genders: dict[str, str]  # folded word -> gender code (vocabulary genders) or "total"

    def gender(self, word: str) -> str | None:
        """The gender code of a printed word ("Kvinnor", "män", "Totalt"), None if it is none."""
        return self.genders.get(fold(word))

    def item(self, label: str, statement: str) -> str | None:
        key = fold(label)
        if not key:
            return None
        specific = self.by_statement.get(statement, {})
        return specific.get(key) or self.general.get(key)

    def item_by_prefix(self, label: str, statement: str) -> str | None:
        """The item of the longest alias (8+ letters) the label starts with ("Plusgiro Nordea")."""
        key = fold(label)
        best = None
        for table in (self.general, self.by_statement.get(statement, {})):
            for alias, item in table.items():
                if len(alias) >= 8 and key.startswith(alias) and (best is None or len(alias) >= len(best[0])):
                    best = (alias, item)
        return best[1] if best else None

    def sign(self, item: str) -> str:
        return self.signs.get(item, "signed")


@lru_cache(maxsize=2)
def load_aliases(path: Path = ALIASES_FILE) -> Aliases:
    """Read the aliases; every item must be in the vocabulary and no label may mean two items."""
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    known = set(load_vocabulary().words("items"))
    general: dict[str, str] = {}
    by_statement: dict[str, dict[str, str]] = {s: {} for s in STATEMENT_KEYS}
    signs: dict[str, str] = {}
    for item, spec in (raw.get("items") or {}).items():
        if item not in known:
            raise ValueError(f"{path}: {item!r} is not an item of vocabulary.yaml")
        spec = spec or {}
        unknown = set(spec) - {"labels", "sign", *STATEMENT_KEYS}
        if unknown:
            raise ValueError(f"{path}: {item}: unexpected keys {sorted(unknown)}")
        sign = spec.get("sign", "signed")
        if sign not in SIGNS:
            raise ValueError(f"{path}: {item}: sign {sign!r} is not one of {', '.join(SIGNS)}")
        signs[item] = sign
        for scope, labels in spec.items():
            if scope == "sign":
                continue
            table = general if scope == "labels" else by_statement[scope]
            for label in labels or []:
                key = fold(label)
                if table.get(key, item) != item:
                    raise ValueError(f"{path}: label {label!r} means both {table[key]} and {item} ({scope})")
                table[key] = item
    genders: dict[str, str] = {}
    codes = set(load_vocabulary().words("genders"))
    for code, words in (raw.get("genders") or {}).items():
        if code not in codes:
            raise ValueError(f"{path}: genders: {code!r} is not a gender of vocabulary.yaml")
        for word in words or []:
            genders[fold(word)] = code
    return Aliases(general, by_statement, signs, genders)
