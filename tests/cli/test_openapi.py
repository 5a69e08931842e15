"""``synclog openapi``: the document ``/openapi.json`` serves, without a server or a database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.cli.commands import run_installed

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the same on any engine


def test_the_command_prints_and_writes_the_served_document(app: FastAPI, tmp_path: Path) -> None:
    served = json.loads(json.dumps(app.openapi()))
    # From a directory with no database: nothing is opened or created.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    printed = run_installed("sqlite:///./data/none.db", elsewhere, "openapi")
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == served
    written = run_installed("sqlite:///./data/none.db", elsewhere, "openapi", "-o", "out/openapi.json")
    assert (written.returncode, written.stdout) == (0, "")
    assert json.loads((elsewhere / "out" / "openapi.json").read_text()) == served
    assert sorted(path.name for path in elsewhere.iterdir()) == ["out"]
