"""``synclog export`` and ``synclog import``: one account's data out and into another, and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.cli.commands import run
from tests.factories import make_entry, make_goal, register


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
