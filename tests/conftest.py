"""Shared fixtures: every test gets a clean database built by the migrations, on SQLite and PostgreSQL.

SQLite always; PostgreSQL when ``SYNCLOG_TEST_POSTGRES_URL`` names a server (CI sets it and,
with ``SYNCLOG_REQUIRE_POSTGRES=1``, requires it). Each test run (each xdist worker) migrates one
database per engine of its own (a SQLite file, a PostgreSQL database), so runs and workers on one
machine do not share data, and empties it before each test that uses it. The ``app`` of those
databases is built once per engine too (see ``app``).

Password hashing is cheap in every test (``tests/cheap_hashing.py``) except those marked
``real_password_hashing``; servers started with ``start_server`` hash cheaply too.
"""

from __future__ import annotations

import contextlib
import functools
import os
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

from app import models as every_table  # noqa: F401 - registers every table, for emptying them
from app.core import slow_work
from app.core.database import normalize_database_url
from app.core.migrations import upgrade_to_head
from app.core.settings import Settings
from app.main import create_app
from app.summary.cache import SummaryCache
from bench.processes import ServerProcess, start_synclog
from tests.cheap_hashing import SYNCLOG_WITH_CHEAP_HASHING, use_cheap_hashing

POSTGRES_URL = os.environ.get("SYNCLOG_TEST_POSTGRES_URL", "")
# CI names a Redis (and so requires it); elsewhere tests that need one skip when none answers here.
REDIS_URL = os.environ.get("SYNCLOG_TEST_REDIS_URL", "")
ENGINES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
# Per database of this run (created on first use): the engine that empties it between tests, and its app
# (``shared_app``) with the state it was made with.
_emptying: dict[str, Engine] = {}
_apps: dict[str, tuple[FastAPI, dict[str, Any]]] = {}


# Hypothesis, chosen with HYPOTHESIS_PROFILE: "default" (100 examples, new ones each run) while working;
# "ci" (.ci/run) 300 examples, the same ones every run (derandomized, no example database), so CI never
# fails on an example nobody can replay. Tests that pay a request per step keep a smaller budget of their own.
hypothesis.settings.register_profile(
    "ci", max_examples=300, derandomize=True, database=None, print_blob=True, deadline=None
)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("SYNCLOG_REQUIRE_POSTGRES") == "1" and not POSTGRES_URL:
        raise pytest.UsageError("SYNCLOG_REQUIRE_POSTGRES=1 but SYNCLOG_TEST_POSTGRES_URL is not set")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow and browser tests first (longest first): the xdist workers then finish at about the same time."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None and item.get_closest_marker("browser") is None)


@pytest.fixture(scope="session", autouse=True)
def slow_work_processes() -> Iterator[None]:
    """The slow-work processes, started on first use and kept for the run (an app holds them only while it runs)."""
    with slow_work.held():
        yield


@pytest.fixture(autouse=True)
def cheap_password_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its lowest cost, unless the test is marked ``real_password_hashing``."""
    if request.node.get_closest_marker("real_password_hashing") is None:
        use_cheap_hashing(monkeypatch.setattr)


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """Start ``synclog serve`` against a database URL (keyword ``env`` adds variables); stopped after the test."""
    started: list[ServerProcess] = []

    def start(database_url: str, *, env: Mapping[str, str] | None = None) -> ServerProcess:
        server = start_synclog(database_url, tmp_path, env=env, synclog=SYNCLOG_WITH_CHEAP_HASHING)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis that answers: the one ``SYNCLOG_TEST_REDIS_URL`` names (failing when it does not), else a local one."""
    url = REDIS_URL or "redis://127.0.0.1:6379/0"
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2) as connection:
            connection.ping()
    except redis.RedisError as exc:
        if REDIS_URL:
            pytest.fail(f"SYNCLOG_TEST_REDIS_URL={REDIS_URL} does not answer: {exc}")
        pytest.skip(f"no Redis at {url} (set SYNCLOG_TEST_REDIS_URL to require one): {exc}")
    return url


def _forget(url: str) -> None:
    """Close the connections this run holds to a database of its own, before it goes."""
    if url in _emptying:
        _emptying.pop(url).dispose()
    if url in _apps:
        _apps.pop(url)[0].state.database.dispose()


def migrated_sqlite_database(directory: Path) -> Iterator[str]:
    """A SQLite database in ``directory``, migrated to head; its connections closed afterwards."""
    url = f"sqlite:///{directory / 'synclog.db'}"
    upgrade_to_head(url)
    yield url
    _forget(url)


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The SQLite database of this run (of this xdist worker), emptied before each test that uses it."""
    yield from migrated_sqlite_database(tmp_path_factory.mktemp("sqlite"))


@contextlib.contextmanager
def _own_postgres_database() -> Iterator[str]:
    """A PostgreSQL database no other run or worker uses, migrated to head; dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("SYNCLOG_TEST_POSTGRES_URL is not set")
    server = make_url(normalize_database_url(POSTGRES_URL))
    name = f"synclog_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade_to_head(url)
        yield url
    finally:
        _forget(url)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """The PostgreSQL database of this run (of this xdist worker), emptied before each test that uses it."""
    with _own_postgres_database() as url:
        yield url


@pytest.fixture(scope="session", params=ENGINES)
def shared_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One ``synclog serve`` per engine for the whole run, over a database of its own.

    For tests over real HTTP that each sign up their own account and need no setting of their own:
    starting a server costs seconds, and these tests share nothing but the process.
    """
    directory = tmp_path_factory.mktemp(f"shared-server-{request.param}")
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{directory / 'synclog.db'}"
        else:
            url = stack.enter_context(_own_postgres_database())
        server = start_synclog(url, directory, synclog=SYNCLOG_WITH_CHEAP_HASHING)
        yield server
        server.stop()


def empty_database(url: str) -> None:
    """Delete every row, children first: ~10 ms on PostgreSQL, where TRUNCATE (new files for every table) takes ~300 ms.

    Each test then starts from what the migrations leave (they insert no rows), as on a new database.
    """
    engine = _emptying.get(url) or _emptying.setdefault(url, create_engine(normalize_database_url(url)))
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest) -> str:
    """The URL of a clean, migrated database for one test, on each engine in turn (emptied, not made anew)."""
    url: str = request.getfixturevalue("sqlite_database" if request.param == "sqlite" else "postgres_database")
    empty_database(url)
    return url


@functools.cache
def _settings_of(database_url: str) -> Settings:
    # Read once per database: building settings reads the environment, ~7 ms a time.
    return Settings(database_url=database_url, rate_limits="off")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return _settings_of(database_url).model_copy()


def shared_app(database_url: str) -> FastAPI:
    """The app of a database of this run, with the ``settings`` fixture's settings: made once, then reused.

    A new app answers each route's first request ~40 ms of CPU later than an app already used
    (FastAPI prepares a route when it is first matched), which, over a thousand tests, was the largest
    cost of the suite; servers, too, serve many requests from one app. What an app keeps between
    requests (``app.state``) is put back as it was made, with a new summary cache, each time it is
    handed out, so no test sees another's.
    """
    made = _apps.get(database_url)
    if made is None:
        application = create_app(_settings_of(database_url).model_copy())
        made = _apps[database_url] = (application, dict(application.state._state))
    application, initial_state = made
    application.state._state.clear()  # starlette's State keeps an app's attributes in this dict
    application.state._state.update(initial_state, summary_cache=SummaryCache())
    return application


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    """The shared app of the test's database (``shared_app``); a module's own ``settings`` get an app of their own."""
    if settings == _settings_of(settings.database_url):
        yield shared_app(settings.database_url)
        return
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
