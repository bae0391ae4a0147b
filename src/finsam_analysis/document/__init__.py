"""The analysis document: what a report kernel runs (sections, plots, formatting, suppression, comparison)."""
