"""Swedish display labels of the vocabulary's codes: the only way report text names a code.

The labels themselves live in data/vocabulary.yaml (`label`, else the Swedish meaning), next
to the definition of each code; this module only looks them up for tables and charts.
"""

from __future__ import annotations

import pandas as pd

from finsam_analysis.data.vocabulary import load_vocabulary

WHOLE_FORBUND = "Hela förbundet"  # the label of "*" (all insatser, all kommuner)


def label(domain: str, code: str) -> str:
    return load_vocabulary().label(domain, code)


def labels(domain: str) -> dict[str, str]:
    return load_vocabulary().labels(domain)


def label_series(codes: pd.Series, domain: str) -> pd.Series:
    """Each code's label; a code the vocabulary does not know is shown as it is."""
    return codes.map(labels(domain)).fillna(codes)


def place_series(codes: pd.Series) -> pd.Series:
    """Intervention or kommun names, with "*" shown as the whole förbund."""
    return codes.replace({"*": WHOLE_FORBUND})
