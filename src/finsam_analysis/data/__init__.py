"""Curated data: paths, vocabulary, schema, loading, building, precedence, reference facts."""
