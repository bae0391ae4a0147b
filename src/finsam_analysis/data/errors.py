"""Errors that point the curator at the exact place: file, line, column, value, expectation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with curated input."""

    file: Path
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = str(self.file) + (f":{self.line}" if self.line else "")
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class CurationError(Exception):
    """Raised when curated input breaks the contract; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in curated data:\n{lines}")
