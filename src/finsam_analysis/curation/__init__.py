"""The curation assistant: from a report's PDF or text to proposed rows that a curator confirms.

ingest (PDF/text -> a curation folder) -> propose (source.txt -> proposed/*.csv) -> diff
(proposals vs curated) -> accept (confirmed rows into the curated CSVs). No code path names a
förbund or a document: everything is read from the text and the general label aliases.
"""
