"""The ``synclog`` command for accounts and tokens, run as a user would, from another directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from app.cli import main
from tests.cli.commands import run, run_installed
from tests.factories import bearer


def test_user_and_token_commands(database_url: str, tmp_path: Path, client: TestClient) -> None:
    ada = ("--email", "Ada@Example.org", "--password-stdin")
    created = run_installed(database_url, tmp_path, "user", "create", *ada, stdin="long enough\n")
    assert created.returncode == 0, created.stderr
    code, _, err = run(
        database_url, "user", "create", "--email", "ada@example.org", "--password-stdin", stdin="long enough\n"
    )
    assert code == 1 and "already exists" in err
    code, _, err = run(database_url, "user", "create", "--email", "b@example.org", "--password-stdin", stdin="short\n")
    assert code == 1 and err.startswith("Error: ")
    code, out, _ = run(database_url, "user", "list")
    assert code == 0 and out.count("@") == 1 and "ada@example.org" in out

    scopes = ("--scope", "entries:write", "--scope", "entries:read")
    code, out, err = run(database_url, "token", "create", "--email", "ada@example.org", "--name", "Shortcuts", *scopes)
    assert code == 0, err
    secret = out.strip()
    assert secret.startswith("sl_pat_")
    code, _, err = run(database_url, "token", "create", "--email", "no@example.org", "--name", "x", "--scope", "export")
    assert code == 1 and "no account" in err

    headers = bearer(secret)
    response = client.post("/api/v1/entries", json={"note": "from the CLI token"}, headers=headers)
    assert response.status_code == 201 and response.json()["source"] == "Shortcuts"
    assert client.get("/api/v1/goals", headers=headers).status_code == 403


@pytest.mark.parametrize(
    "command", [["--help"], ["serve", "--help"], ["user", "create", "--help"], ["token", "create", "--help"]]
)
def test_help_texts(command: list[str]) -> None:
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0 and "Usage:" in result.output
