"""Fixtures for export and import: a second, empty database on the other engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import POSTGRES_URL, empty_database, migrated_sqlite_database, shared_app


@pytest.fixture(scope="session")
def second_sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Another SQLite database of this run, for runs without PostgreSQL."""
    yield from migrated_sqlite_database(tmp_path_factory.mktemp("second-sqlite"))


@pytest.fixture
def other_client(request: pytest.FixtureRequest, database_url: str) -> Iterator[TestClient]:
    """A client of another Synclog on the other engine (SQLite ↔ PostgreSQL; a second SQLite without PostgreSQL)."""
    if not POSTGRES_URL:
        other = "second_sqlite_database"
    else:
        other = "postgres_database" if database_url.startswith("sqlite") else "sqlite_database"
    url: str = request.getfixturevalue(other)
    empty_database(url)
    with TestClient(shared_app(url), base_url="http://testserver") as client:
        yield client
