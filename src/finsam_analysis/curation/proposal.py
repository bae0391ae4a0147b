"""One proposed row: the row as it would be curated, plus where and how it was read."""

from __future__ import annotations

from dataclasses import dataclass

# review columns after the curated ones; `as_printed` is not the curated `printed` column (a
# figure printed in a non-Swedish form), which a proposal leaves empty
EXTRA_COLUMNS = ("confidence", "as_printed", "line")


@dataclass
class Proposal:
    table: str  # financials | member_contributions | participants | outcomes
    row: dict  # the curated columns of the table (values as CSV text)
    printed: str  # the exact printed form the value was read from
    line: int  # line number in source.txt
    confidence: float  # 0-1: how sure the reader is of item, year and value

    def csv_row(self, columns: list[str]) -> dict:
        out = {c: self.row.get(c, "") for c in columns}
        out.update(confidence=f"{self.confidence:.2f}", as_printed=self.printed, line=str(self.line))
        return out
