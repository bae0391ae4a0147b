"""The project's vocabulary (vocabulary.yaml): the only code words a curated CSV may use."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from finsam_analysis.data import paths

MONEY_UNITS = ("kr", "tkr", "mkr")


@dataclass(frozen=True)
class Vocabulary:
    """Code words per domain, each with its Swedish and English meaning."""

    domains: dict[str, dict[str, dict]]

    def words(self, domain: str) -> tuple[str, ...]:
        return tuple(self.domains[domain])

    def label(self, domain: str, word: str) -> str:
        """The Swedish display label of a code (its `label`, else its Swedish meaning)."""
        entry = self.domains[domain].get(word)
        if entry is None:
            return word
        return str(entry.get("label") or entry["sv"])

    def labels(self, domain: str) -> dict[str, str]:
        return {word: self.label(domain, word) for word in self.domains[domain]}

    def unit_factor(self, unit: str) -> float | None:
        """Kronor per unit for money units; None for count and pct."""
        return self.domains["units"][unit].get("factor")

    def item_kind(self, item: str) -> str:
        """'money', 'count' or 'pct': which unit family an item takes."""
        return self.domains["items"][item].get("kind", "money")


@lru_cache(maxsize=4)
def load_vocabulary(path=None) -> Vocabulary:
    """Read and sanity-check vocabulary.yaml (every word needs sv and en)."""
    from finsam_analysis.data import metadata  # metadata checks words against a Vocabulary
    from finsam_analysis.data.yamlfile import load_yaml

    path = path or paths.VOCABULARY_FILE
    raw = load_yaml(path)  # strict: no duplicate words, no aliases (YamlFileError with the line)
    for domain, words in raw.items() if isinstance(raw, dict) else ():
        for word, meaning in words.items() if isinstance(words, dict) else ():
            if not isinstance(meaning, dict):
                continue
            missing = {"sv", "en"} - set(meaning or {})
            extra = set(meaning or {}) - {"sv", "en", "label", "kind", "factor"}
            if missing or extra:
                # an unquoted comma inside {...} silently splits a meaning into extra keys
                raise ValueError(
                    f"{path}: {domain}.{word}: expected keys sv, en (label, kind, factor); missing {sorted(missing)}, unexpected {sorted(extra)} - quote meanings that contain commas"
                )
    problems = metadata.check(raw, "vocabulary.yaml", path)
    if problems:
        raise ValueError("\n".join(map(str, problems)))
    return Vocabulary(domains=raw)


def unit_family(unit: str) -> str:
    """'money' for kr/tkr/mkr, else the unit itself ('count', 'pct')."""
    return "money" if unit in MONEY_UNITS else unit
