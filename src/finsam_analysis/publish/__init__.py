"""Publishing: what the parent process runs (papermill runner, HTML render, build record, index)."""

import sys

# nbformat imports jsonschema, whose optional "iri" format checker imports rfc3987_syntax, which
# compiles 38 lark grammars at import: 1.5-4 s per process that renders or scans a notebook.
# Notebook validation never checks that format; with the module marked absent jsonschema skips
# the checker (`with suppress(ImportError)`) and nbformat imports in a third of a second.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)
