"""``synclog backup``: a consistent copy of a SQLite database while Synclog keeps serving.

The copy is made with SQLite's online backup API in one step (a single read snapshot, so
writers carry on and nothing half-written is copied), written beside the destination,
checked with ``PRAGMA integrity_check`` and only then moved into place. PostgreSQL is
backed up with its own tools (``pg_dump``); see docs/deploy.md.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from app.cli.progress import Progress
from app.core.database import SQLITE_BUSY_TIMEOUT_MS
from app.core.settings import load_settings

POSTGRES_ADVICE = (
    "This database is PostgreSQL: back it up with its own tools, for example\n"
    '  pg_dump --format=custom --file=synclog.dump "$SYNCLOG_DATABASE_URL"\n'
    "and restore with pg_restore --clean --dbname=... synclog.dump (see docs/deploy.md)."
)


class BackupError(Exception):
    """The backup could not be made or did not pass its check; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    pages: int


def sqlite_path(database_url: str) -> Path:
    """The file a ``sqlite:///`` URL names; ``BackupError`` for other engines or in-memory databases."""
    if not database_url.startswith("sqlite"):
        raise BackupError(POSTGRES_ADVICE)
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory database cannot be backed up.")
    return Path(database)


def integrity_problems(path: Path) -> list[str]:
    """What ``PRAGMA integrity_check`` reports for the database at ``path`` (empty when it is sound)."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        rows = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def backup_sqlite(database_url: str, destination: Path, *, overwrite: bool = False) -> BackupResult:
    """Copy the live database to ``destination`` and check the copy before it takes that name."""
    source_path = sqlite_path(database_url)
    if not source_path.exists():
        raise BackupError(f"No database at {source_path}.")
    destination = destination.resolve()
    if destination == source_path.resolve():
        raise BackupError("The backup must not overwrite the live database.")
    if destination.exists() and not overwrite:
        raise BackupError(f"{destination} exists; pass --force to replace it.")
    if not destination.parent.is_dir():
        raise BackupError(f"No folder {destination.parent} to write the backup in.")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        pages = _copy(source_path, partial)
        problems = integrity_problems(partial)
        if problems:
            raise BackupError(f"The copy failed PRAGMA integrity_check: {'; '.join(problems[:5])}")
        os.replace(partial, destination)
    finally:
        # Whatever failed, no half-made copy is left beside the destination.
        partial.unlink(missing_ok=True)
    return BackupResult(path=destination, size_bytes=destination.stat().st_size, pages=pages)


def _copy(source_path: Path, partial: Path) -> int:
    """Copy the live database into ``partial``; returns its page count."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        target = sqlite3.connect(partial)
        try:
            # pages=-1: one step over one read snapshot; stepping would restart whenever a writer commits.
            source.backup(target, pages=-1)
            target.execute("PRAGMA journal_mode=DELETE")
            return int(target.execute("PRAGMA page_count").fetchone()[0])
        finally:
            target.close()
    finally:
        source.close()


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def backup(file: Path, force: bool) -> None:
    """Copy the live SQLite database to FILE (online backup API) and check the copy (PRAGMA integrity_check).

    Restore: stop Synclog, replace the database file with the copy (remove any -wal and -shm files
    beside it), start Synclog. PostgreSQL is backed up with pg_dump.
    """
    settings = load_settings()
    progress = Progress("Backing up", 1)
    try:
        result = backup_sqlite(settings.database_url, file, overwrite=force)
        progress.advance(1)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        progress.close()
    click.echo(f"Backed up to {result.path} ({result.size_bytes} bytes); PRAGMA integrity_check: ok.")
