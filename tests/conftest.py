"""Shared fixtures: every test gets a clean database built by the migrations, on SQLite and PostgreSQL.

SQLite always; PostgreSQL when ``SYNCLOG_TEST_POSTGRES_URL`` names a server (CI sets it and,
with ``SYNCLOG_REQUIRE_POSTGRES=1``, requires it). Each test run creates its own PostgreSQL
database, so runs on one machine do not share data.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.core.database import normalize_database_url
from app.core.migrations import upgrade_to_head
from app.core.settings import Settings
from app.main import create_app

POSTGRES_URL = os.environ.get("SYNCLOG_TEST_POSTGRES_URL", "")
ENGINES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
TABLES = (
    "idempotency_records",
    "entry_goals",
    "entries",
    "goals",
    "change_counters",
    "access_tokens",
    "auth_sessions",
    "users",
)


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("SYNCLOG_REQUIRE_POSTGRES") == "1" and not POSTGRES_URL:
        raise pytest.UsageError("SYNCLOG_REQUIRE_POSTGRES=1 but SYNCLOG_TEST_POSTGRES_URL is not set")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "synclog.db"
    upgrade_to_head(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A PostgreSQL database of this test run's own, migrated to head once."""
    if not POSTGRES_URL:
        pytest.skip("SYNCLOG_TEST_POSTGRES_URL is not set")
    server = make_url(normalize_database_url(POSTGRES_URL))
    name = f"synclog_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    upgrade_to_head(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(TABLES)} CASCADE"))
    engine.dispose()


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a clean, migrated database for one test, on each engine in turn."""
    if request.param == "sqlite":
        path = tmp_path / "synclog.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_database")
        _truncate_postgres(url)
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, rate_limits="off")


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.database.dispose()


@pytest.fixture
def new_client(app: FastAPI) -> Iterator[Callable[[], TestClient]]:
    """Make another client of the same app, with its own cookie jar (another device or user)."""
    clients: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(app, base_url="http://testserver")
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(new_client: Callable[[], TestClient]) -> TestClient:
    return new_client()
