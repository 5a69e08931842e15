"""``synclog openapi``: the document ``/openapi.json`` serves, without a server or a database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.cli.commands import run

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the same on any engine


def test_the_command_prints_and_writes_the_served_document(
    app: FastAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = json.loads(json.dumps(app.openapi()))
    # From a directory with no database: nothing is opened or created.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, err = run("sqlite:///./data/none.db", "openapi")
    assert code == 0, err
    assert json.loads(out) == served
    code, out, err = run("sqlite:///./data/none.db", "openapi", "-o", "out/openapi.json")
    assert (code, out) == (0, ""), err
    assert json.loads((elsewhere / "out" / "openapi.json").read_text()) == served
    assert sorted(path.name for path in elsewhere.iterdir()) == ["out"]
