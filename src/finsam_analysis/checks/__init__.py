"""Checks on curated data: reconciliation rules, tick-and-tie against the source text, personnummer scan."""
