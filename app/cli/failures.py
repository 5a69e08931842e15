"""The ``synclog`` command's one error boundary: a known failure is one line on standard error, exit status 1.

Known failures are the user's or the environment's (a bad value, a missing account or file, a
database that cannot be reached or is not migrated), never a bug: anything else keeps its
traceback. ``open_existing_database`` makes sure a command that reads or changes data never
creates a database (or its folder) on the way to failing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from alembic.util.exc import CommandError as MigrationError
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.core.database import Database, open_database
from app.core.errors import ProblemError
from app.core.migrations import is_at_head
from app.core.settings import Settings

KNOWN_FAILURES = (ProblemError, ValidationError, SQLAlchemyError, OSError, sqlite3.Error, MigrationError)
_NO_SCHEMA = ("no such table", "UndefinedTable")


def describe_failure(error: BaseException) -> str:
    """One line naming what went wrong, in the user's terms (no traceback, no link, no SQL)."""
    if isinstance(error, ProblemError):
        return error.detail
    if isinstance(error, ValidationError):
        return _first_validation_error(error)
    if isinstance(error, DBAPIError):
        text = _first_line(str(error.orig))
        if any(marker in text for marker in _NO_SCHEMA):
            return "The database has no Synclog schema yet; run `synclog migrate` first."
        return f"The database cannot be used: {text}"
    if isinstance(error, SQLAlchemyError):
        return f"The database cannot be used: {_first_line(str(error))}"
    if isinstance(error, OSError):
        return f"{error.filename}: {error.strerror}" if error.filename and error.strerror else _first_line(str(error))
    if isinstance(error, sqlite3.Error):
        return f"SQLite: {_first_line(str(error))}"
    return f"Migrations: {_first_line(str(error))}"


def _first_validation_error(error: ValidationError) -> str:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "value"
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{field}: {message}"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"


def open_existing_database(settings: Settings) -> Database:
    """The database of a command that reads or changes data: it must exist and be migrated to head.

    A SQLite file that is missing is reported without creating it or its folder.
    """
    if settings.is_sqlite:
        name = make_url(settings.database_url).database
        if name and name != ":memory:" and not Path(name).exists():
            raise click.ClickException(f"No database at {name}; run `synclog migrate` to create it.")
    database = open_database(settings)
    try:
        at_head = is_at_head(database.read_engine, settings.database_url)
    except BaseException:
        database.dispose()
        raise
    if not at_head:
        database.dispose()
        raise click.ClickException("The database schema is not up to date; run `synclog migrate` first.")
    return database
