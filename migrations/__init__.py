"""Alembic migrations for Synclog's schema (SQLite and PostgreSQL)."""
