"""Balance-sheet equity rows that only repeat the total.

A balance sheet with an opening-balance column ("Ingående balans 2024-01-01") prints the
equity brought forward on the row "Eget kapital" and leaves the year's result blank: in that
column the row is the whole equity (last year's result included), not `equity_other`
(equity excluding the year's result). Proposing it as `equity_other` would be wrong, and the
total (`equity`) already carries the figure.
"""

from __future__ import annotations

from finsam_analysis.curation.proposal import Proposal


def drop_equity_repeats(rows: list[Proposal]) -> list[Proposal]:
    """The rows without `equity_other` where its column has no result and it equals `equity`."""
    by_column: dict[tuple, dict[str, str]] = {}
    for proposal in rows:
        r = proposal.row
        if r.get("statement") == "balance_sheet":
            by_column.setdefault((r["year"], r["basis"]), {})[r["item"]] = r["value"]

    def repeats(proposal: Proposal) -> bool:
        r = proposal.row
        if r.get("statement") != "balance_sheet" or r["item"] != "equity_other":
            return False
        column = by_column[(r["year"], r["basis"])]
        return (
            "net_result" not in column
            and column.get("equity") is not None
            and (float(column["equity"]) == float(r["value"]))
        )

    return [p for p in rows if not repeats(p)]
