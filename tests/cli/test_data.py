"""The ``synclog`` command's data commands: export, import, backup, demo, and what ``serve`` prints."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from app.auth import service as auth_service
from app.auth.models import User
from app.cli import main
from app.core.database import open_database
from app.core.settings import Settings
from app.entries import service as entries_service
from app.entries.models import EntryCreate
from tests.factories import make_entry, make_goal, register
from tests.servers import start_server


def run(database_url: str, *args: str, stdin: str = "") -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin, env={"SYNCLOG_DATABASE_URL": database_url})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_export_then_import_into_another_account(client: TestClient, database_url: str, tmp_path: Path) -> None:
    register(client, email="ada@example.org")
    goal = make_goal(client, title="Make music")
    make_entry(client, occurred_at="2026-11-20T09:00:00Z", goal_ids=[goal["id"]], tags=["radio"])
    make_entry(client, occurred_at="2026-11-21T09:00:00Z", note="A heron again")

    target = tmp_path / "ada.json"
    code, out, err = run(database_url, "export", "--email", "ada@example.org", "-o", str(target))
    assert code == 0, err
    assert out == "" and "\r" not in err  # no progress bar when not on a terminal
    document = json.loads(target.read_text())
    assert len(document["entries"]) == 2

    code, out, _ = run(
        database_url, "user", "create", "--email", "bo@example.org", "--password-stdin", stdin="pw12345678\n"
    )
    assert code == 0
    code, out, err = run(database_url, "import", "--email", "bo@example.org", str(target))
    assert code == 0, err
    assert "Goals: 1 created, 0 updated, 0 skipped." in out
    assert "Entries: 2 created, 0 updated, 0 skipped." in out
    code, out, _ = run(database_url, "import", "--email", "bo@example.org", str(target))
    assert "Entries: 0 created, 0 updated, 2 skipped." in out


@pytest.mark.parametrize("export_format", ["csv", "markdown"])
def test_export_to_stdout(client: TestClient, database_url: str, export_format: str) -> None:
    register(client, email="ada@example.org")
    make_entry(client, note="A heron again")
    code, out, _ = run(database_url, "export", "--email", "ada@example.org", "--format", export_format)
    assert code == 0
    assert "A heron again" in out


def test_import_of_a_bad_file_names_the_row_and_imports_nothing(
    client: TestClient, database_url: str, tmp_path: Path
) -> None:
    register(client, email="ada@example.org")
    table = tmp_path / "log.csv"
    table.write_text("occurred_at,note,intensity\n2026-11-01T09:00:00Z,fine,3\n2026-11-02T09:00:00Z,bad,7\n")
    code, _, err = run(database_url, "import", "--email", "ada@example.org", str(table))
    assert code == 1
    assert "Nothing was imported. row 3: intensity" in err
    assert client.get("/api/v1/entries").json()["data"] == []


def test_unknown_account_is_a_clear_error(database_url: str, tmp_path: Path) -> None:
    code, _, err = run(database_url, "export", "--email", "nobody@example.org")
    assert code == 1 and "No account with the email nobody@example.org" in err


def test_demo_creates_the_account_and_a_year_once(database_url: str, client: TestClient) -> None:
    code, out, err = run(
        database_url, "demo", "--email", "demo@example.org", "--password-stdin", stdin="demo-password\n"
    )
    assert code == 0, err
    assert "Created account demo@example.org." in out
    assert "Demo data: 5 goals and" in out
    client.post(
        "/api/v1/auth/login", json={"email": "demo@example.org", "password": "demo-password"}
    ).raise_for_status()
    summary_of_year = client.get("/api/v1/export").json()
    entries = summary_of_year["entries"]
    assert len(entries) > 300
    assert len({entry["kind"] for entry in entries}) == 10
    assert len({entry["timezone"] for entry in entries}) >= 3
    assert sum(1 for entry in entries if entry["goal_ids"]) > 100
    assert {entry["source"] for entry in entries} == {"demo"}
    assert len({entry["local_date"][:7] for entry in entries}) >= 12

    code, out, _ = run(database_url, "demo", "--email", "demo@example.org")
    assert code == 0 and "0 goals and 0 entries added" in out


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
                user = session.get(User, user_id)
                assert user is not None
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


def test_serve_prints_the_address_and_how_to_create_an_account(database_url: str, tmp_path: Path) -> None:
    first = start_server(database_url, tmp_path)
    try:
        assert f"Synclog is serving on http://127.0.0.1:{first.port}/" in first.log()
        assert "synclog user create --email" in first.log()
    finally:
        first.stop()
    code, _, _ = run(
        database_url, "user", "create", "--email", "a@example.org", "--password-stdin", stdin="long enough\n"
    )
    assert code == 0
    second = start_server(database_url, tmp_path)
    try:
        assert f"http://127.0.0.1:{second.port}/" in second.log()
        assert "No accounts yet" not in second.log()
    finally:
        second.stop()
