"""``synclog backup``: an online copy of a SQLite database under write load; PostgreSQL is pointed to pg_dump."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import uuid
from pathlib import Path

import pytest

from app.auth import service as auth_service
from app.core.database import open_database
from app.core.settings import Settings
from app.entries import service as entries_service
from app.entries.models import EntryCreate
from tests.cli.commands import run


def test_backup_of_postgresql_points_to_pg_dump(database_url: str, tmp_path: Path) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("the PostgreSQL answer")
    code, _, err = run(database_url, "backup", str(tmp_path / "copy.db"))
    assert code == 1 and "pg_dump" in err


def test_backup_under_write_load_holds_every_acknowledged_entry(database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("backup copies SQLite databases; PostgreSQL uses pg_dump")
    settings = Settings(database_url=database_url, rate_limits="off")
    database = open_database(settings)
    with database.write_transaction() as session:
        user_id = auth_service.create_user(session, email="load@example.org", password="long enough").id
    acknowledged: list[uuid.UUID] = []
    stop = threading.Event()

    def write_forever() -> None:
        while not stop.is_set():
            with database.write_transaction() as session:
                user = auth_service.get_account(session, user_id=user_id)
                created = entries_service.create_entry(
                    session, user=user, source="load", body=EntryCreate(note="x" * 500, tags=["load"])
                )
            acknowledged.append(created.id)  # committed: the write is acknowledged

    writers = [threading.Thread(target=write_forever) for _ in range(3)]
    for writer in writers:
        writer.start()
    try:
        while len(acknowledged) < 200:
            stop.wait(0.01)
        before = list(acknowledged)
        copy = tmp_path / "backup.db"
        code, out, err = run(database_url, "backup", str(copy))
        assert code == 0, err
        assert "integrity_check: ok" in out
    finally:
        stop.set()
        for writer in writers:
            writer.join()
        database.dispose()
    with contextlib.closing(sqlite3.connect(copy)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        saved = {row[0] for row in connection.execute("SELECT id FROM entries")}
    stored = {entry_id.hex for entry_id in before} | {str(entry_id) for entry_id in before}
    assert len(saved & stored) == len(before)
    assert len(acknowledged) > len(before)  # writers kept going during the backup
    code, _, err = run(database_url, "backup", str(copy))
    assert code == 1 and "--force" in err
