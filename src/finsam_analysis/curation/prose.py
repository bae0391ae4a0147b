"""Figures in running text: participants, outcomes and money, in their usual phrasings."""
from __future__ import annotations

from finsam_analysis.curation.proposal import Proposal
from finsam_analysis.curation.text import Line


def read_prose(lines: list[Line], sections: dict[int, str]) -> list[Proposal]:
    return []
