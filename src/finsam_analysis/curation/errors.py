"""Bad input to the curation commands: one clear sentence, exit status 2 (like CurationError)."""

from __future__ import annotations

from finsam_analysis.data.errors import CurationError


class InputError(CurationError):
    """A bad file, name or option given to ingest/propose/accept."""

    def __init__(self, message: str):
        self.problems = []
        Exception.__init__(self, f"error: {message}")
