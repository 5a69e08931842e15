"""The ``synclog`` command for accounts and tokens, run as a user would, from another directory."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from app.cli import main
from tests.servers import SYNCLOG, start_server


def _synclog(database_url: str, cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SYNCLOG_DATABASE_URL": database_url}
    return subprocess.run(  # noqa: S603 - our own console script
        [SYNCLOG, *args], env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=120, check=False
    )


def test_user_and_token_commands(database_url: str, tmp_path: Path) -> None:
    created = _synclog(
        database_url,
        tmp_path,
        "user",
        "create",
        "--email",
        "Ada@Example.org",
        "--password-stdin",
        stdin="long enough\n",
    )
    assert created.returncode == 0, created.stderr
    again = _synclog(
        database_url,
        tmp_path,
        "user",
        "create",
        "--email",
        "ada@example.org",
        "--password-stdin",
        stdin="long enough\n",
    )
    assert again.returncode != 0 and "already exists" in again.stderr
    short = _synclog(
        database_url, tmp_path, "user", "create", "--email", "b@example.org", "--password-stdin", stdin="short\n"
    )
    assert short.returncode != 0
    listed = _synclog(database_url, tmp_path, "user", "list")
    assert listed.stdout.count("@") == 1 and "ada@example.org" in listed.stdout

    token = _synclog(
        database_url,
        tmp_path,
        "token",
        "create",
        "--email",
        "ada@example.org",
        "--name",
        "Shortcuts",
        "--scope",
        "entries:write",
        "--scope",
        "entries:read",
    )
    assert token.returncode == 0, token.stderr
    secret = token.stdout.strip()
    assert secret.startswith("sl_pat_")
    unknown = _synclog(
        database_url, tmp_path, "token", "create", "--email", "no@example.org", "--name", "x", "--scope", "export"
    )
    assert unknown.returncode != 0 and "no account" in unknown.stderr

    server = start_server(database_url, tmp_path)
    try:
        headers = {"Authorization": f"Bearer {secret}"}
        response = httpx.post(f"{server.url}/api/v1/entries", json={"note": "from the CLI token"}, headers=headers)
        assert response.status_code == 201 and response.json()["source"] == "Shortcuts"
        assert httpx.get(f"{server.url}/api/v1/goals", headers=headers).status_code == 403
        assert httpx.get(f"{server.url}/docs").status_code == 200
        assert "swagger-ui" in httpx.get(f"{server.url}/docs").text
        assert httpx.get(f"{server.url}/docs/static/swagger-ui-bundle.js").status_code == 200
    finally:
        server.stop()


@pytest.mark.parametrize(
    "command", [["--help"], ["serve", "--help"], ["user", "create", "--help"], ["token", "create", "--help"]]
)
def test_help_texts(command: list[str]) -> None:
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0 and "Usage:" in result.output
