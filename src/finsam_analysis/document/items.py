"""What a report section returns and how its parts are made: Markdown text, display tables
(Swedish headers, formatted strings) and the one-line "no data" sentence.

Every document module builds its items from here; nothing here knows a section or a förbund.
"""

from __future__ import annotations

import pandas as pd

from finsam_analysis.document import suppression

Item = object  # a Markdown string, a DataFrame or a matplotlib Figure


MASK = suppression.MASK


class Markdown(str):
    """Report text in Markdown (rendered by the notebook's display)."""


def compact(df: pd.DataFrame) -> pd.DataFrame:
    """A display table as a reader wants it: the index's name in the header row (not on a row of
    its own), and no column in which the source gives nothing at all."""
    if not isinstance(df, pd.DataFrame):
        return df
    out = df.copy()
    empty = [c for c in out.columns if len(out) and out[c].astype(str).isin([suppression.MISSING, ""]).all()]
    out = out.drop(columns=empty)
    if out.index.name and out.columns.name is None:
        out.columns.name, out.index.name = out.index.name, None
    return out


def table(df: pd.DataFrame, columns: dict[str, tuple[str, object]]) -> pd.DataFrame:
    """A display table: {column: (Swedish header, formatter)}; the first column is the index."""
    out = pd.DataFrame(
        {
            label: df[col].map(formatter) if formatter else df[col].astype(str)
            for col, (label, formatter) in columns.items()
        }
    )
    return out.set_index(out.columns[0])


def heading(text: str) -> Markdown:
    return Markdown(f"## {text}")


def none_line(what: str) -> list[Item]:
    """The one line a section shows when the förbund's documents have no data for it."""
    return [Markdown(f"*{what}: uppgifter saknas i källdokumenten.*")]


def shown_symbols(df: pd.DataFrame) -> list[str]:
    """The symbols (×, –, ..) a display table shows as the reader sees it (empty columns dropped)."""
    return suppression.symbols_in(compact(df))


def uses_symbols(df: pd.DataFrame) -> bool:
    """Whether a display table shows ×, – or .. (then the legend goes under it)."""
    return bool(shown_symbols(df))
