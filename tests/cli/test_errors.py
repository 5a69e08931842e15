"""Every ``synclog`` command's error paths: one line naming the problem on standard error, exit status 1,
no traceback, and nothing half-made (no account, no database file, no folder, no partial copy)."""

from __future__ import annotations

import contextlib
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import func, select

from app.auth.models import User
from app.cli import main
from app.core.database import open_database
from app.core.settings import Settings
from bench.processes import free_port

UNREACHABLE = "postgresql://synclog@127.0.0.1:9/synclog?connect_timeout=2"
REFUSED = 'Error: The database cannot be used: connection failed: connection to server at "127.0.0.1", port 9 failed'


def fails(database_url: str | None, *args: str, stdin: str = "") -> str:
    """Run ``synclog args``; assert it failed as a user expects and return its one line of standard error."""
    result = CliRunner().invoke(main, list(args), input=stdin, env={"SYNCLOG_DATABASE_URL": database_url})
    assert result.exit_code == 1, (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output and "https://" not in result.stderr
    return lines[0]


def _accounts(database_url: str) -> int:
    database = open_database(Settings(database_url=database_url))
    try:
        with database.read_session() as session:
            return int(session.exec(select(func.count()).select_from(User)).one())
    finally:
        database.dispose()


@pytest.fixture
def in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    assert list(tmp_path.iterdir()) == []  # nothing was made: no ./data, no database file


@pytest.mark.parametrize(
    ("args", "stdin", "line"),
    [
        (
            ("demo", "--email", "demo@example.org", "--timezone", "Mars/Olympus"),
            "",
            "Error: timezone: 'Mars/Olympus' is not an IANA time zone",
        ),
        (
            ("demo", "--email", "not-an-email"),
            "",
            "Error: email: value is not a valid email address: An email address must have an @-sign.",
        ),
        (
            ("demo", "--email", "demo@example.org", "--password-stdin"),
            "short\n",
            "Error: password: String should have at least 8 characters",
        ),
        (
            ("user", "create", "--email", "ada@example.org", "--password-stdin"),
            "short\n",
            "Error: password: String should have at least 8 characters",
        ),
        (
            ("user", "create", "--email", "ada@example.org", "--password-stdin", "--timezone", "Mars/Olympus"),
            "long enough\n",
            "Error: timezone: 'Mars/Olympus' is not an IANA time zone",
        ),
        (
            ("user", "create", "--email", "ada@example", "--password-stdin"),
            "long enough\n",
            "Error: email: value is not a valid email address: The part after the @-sign is not valid. "
            "It should have a period.",
        ),
    ],
)
def test_bad_values_are_refused_before_anything_is_made(
    database_url: str, args: tuple[str, ...], stdin: str, line: str
) -> None:
    assert fails(database_url, *args, stdin=stdin) == line
    assert _accounts(database_url) == 0


@pytest.mark.parametrize(
    "args",
    [
        ("demo", "--email", "demo@example.org", "--timezone", "Mars/Olympus"),
        ("user", "create", "--email", "ada@example.org", "--password-stdin", "--timezone", "Mars/Olympus"),
    ],
)
def test_a_refused_value_leaves_no_database_behind(in_empty_folder: Path, args: tuple[str, ...]) -> None:
    assert fails(None, *args, stdin="long enough\n").startswith("Error: timezone:")


@pytest.mark.parametrize(
    "args",
    [
        ("token", "create", "--email", "ada@example.org", "--name", "app", "--scope", "export"),
        ("user", "create", "--email", "ada@example.org", "--password-stdin"),
        ("user", "list"),
        ("export", "--email", "ada@example.org"),
        ("import", "--email", "ada@example.org", "-"),
    ],
)
def test_commands_on_data_never_create_the_database(in_empty_folder: Path, args: tuple[str, ...]) -> None:
    line = fails(None, *args, stdin='{"format": "synclog-export"}\n' if "import" in args else "long enough\n")
    assert line == "Error: No database at ./data/synclog.db; run `synclog migrate` to create it."


@pytest.mark.parametrize(
    "args",
    [
        ("token", "create", "--email", "ada@example.org", "--name", "app", "--scope", "export"),
        ("user", "list"),
        ("export", "--email", "ada@example.org"),
    ],
)
def test_commands_on_an_unmigrated_database_say_so(tmp_path: Path, args: tuple[str, ...]) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    line = fails(f"sqlite:///{empty}", *args)
    assert line == "Error: The database schema is not up to date; run `synclog migrate` first."
    with contextlib.closing(sqlite3.connect(empty)) as connection:
        assert connection.execute("SELECT name FROM sqlite_master").fetchall() == []


@pytest.mark.parametrize(
    "args",
    [
        ("migrate",),
        ("serve", "--port", "1"),
        ("demo", "--email", "demo@example.org"),
        ("user", "list"),
        ("user", "create", "--email", "ada@example.org", "--password-stdin"),
        ("token", "create", "--email", "ada@example.org", "--name", "app", "--scope", "export"),
        ("export", "--email", "ada@example.org"),
        ("import", "--email", "ada@example.org", "-"),
    ],
)
def test_an_unreachable_database_is_one_line(args: tuple[str, ...]) -> None:
    if args[0] == "serve":
        args = ("serve", "--port", str(free_port()))
    stdin = '{"format": "synclog-export"}\n' if args[0] == "import" else "long enough\n"
    assert fails(UNREACHABLE, *args, stdin=stdin).startswith(REFUSED)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_text("not a database\n" * 100)
    url = f"sqlite:///{garbage}"
    assert fails(url, "migrate") == "Error: The database cannot be used: file is not a database"
    assert fails(url, "user", "list") == "Error: The database cannot be used: file is not a database"
    assert fails(url, "backup", str(tmp_path / "copy.db")) == "Error: SQLite: file is not a database"
    assert not (tmp_path / "copy.db.partial").exists() and not (tmp_path / "copy.db").exists()


@pytest.fixture
def migrated(database_url: str) -> str:
    result = CliRunner().invoke(
        main,
        ["user", "create", "--email", "ada@example.org", "--password-stdin"],
        input="long enough\n",
        env={"SYNCLOG_DATABASE_URL": database_url},
    )
    assert result.exit_code == 0, result.output
    return database_url


def test_unknown_accounts(migrated: str, tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_text('{"format": "synclog-export", "version": 1, "goals": [], "entries": []}')
    assert fails(migrated, "export", "--email", "nobody@example.org") == (
        "Error: No account with the email nobody@example.org."
    )
    assert fails(migrated, "import", "--email", "nobody@example.org", str(export)) == (
        "Error: No account with the email nobody@example.org."
    )
    token = ("token", "create", "--email", "nobody@example.org", "--name", "app", "--scope", "export")
    assert fails(migrated, *token) == "Error: no account with email nobody@example.org"


def test_a_taken_email(migrated: str) -> None:
    line = fails(migrated, "user", "create", "--email", "Ada@Example.org", "--password-stdin", stdin="long enough\n")
    assert line == "Error: An account with this email already exists."


def test_files_that_cannot_be_read_or_written(migrated: str, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    assert fails(migrated, "import", "--email", "ada@example.org", str(missing)) == (
        f"Error: {missing}: No such file or directory"
    )
    assert (
        fails(migrated, "import", "--email", "ada@example.org", str(tmp_path)) == f"Error: {tmp_path}: Is a directory"
    )
    nowhere = tmp_path / "no" / "such" / "folder"
    assert fails(migrated, "export", "--email", "ada@example.org", "-o", str(nowhere / "x.json")) == (
        f"Error: No folder {nowhere} to write the export in."
    )
    assert not (tmp_path / "no").exists()


def test_a_file_in_no_known_format(migrated: str, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("vm\nsomething\n")
    line = fails(migrated, "import", "--email", "ada@example.org", str(notes))
    assert line.startswith("Error: Nothing was imported. ")


def test_backup_into_a_missing_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'synclog.db'}"
    assert CliRunner().invoke(main, ["migrate"], env={"SYNCLOG_DATABASE_URL": url}).exit_code == 0
    assert fails(url, "backup", "/no/such/dir/x.db") == "Error: No folder /no/such/dir to write the backup in."
    assert not Path("/no/such/dir").exists()


def test_serve_on_a_taken_port(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = fails(f"sqlite:///{tmp_path / 'synclog.db'}", "serve", "--port", str(port))
    assert line == f"Error: Cannot listen on 127.0.0.1:{port}: Address already in use."
    assert list(tmp_path.iterdir()) == []  # checked before the database is migrated
