"""Whole-account export (JSON, CSV, Markdown) and import: a user's history is never locked in."""
