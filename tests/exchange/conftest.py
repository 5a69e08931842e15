"""Fixtures for export and import: a second, empty database on the other engine."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.settings import Settings
from app.main import create_app
from tests.conftest import POSTGRES_URL, empty_postgres


@pytest.fixture
def other_client(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """A client of another Synclog on the other engine (SQLite ↔ PostgreSQL; a second SQLite without PostgreSQL)."""
    if database_url.startswith("sqlite") and POSTGRES_URL:
        url = request.getfixturevalue("postgres_database")
        empty_postgres(url)
    else:
        path = tmp_path / "other.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    application = create_app(Settings(database_url=url, rate_limits="off"))
    with TestClient(application, base_url="http://testserver") as client:
        yield client
    application.state.database.dispose()
