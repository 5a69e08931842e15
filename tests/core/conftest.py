"""Fixtures of the core tests: databases no migration has touched yet."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.postgres import temporary_database


@pytest.fixture(params=["sqlite", "postgresql"])
def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of this test's own, on each engine (PostgreSQL when a server is named)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'synclog.db'}"
        return
    server_url = os.environ.get("SYNCLOG_TEST_POSTGRES_URL", "")
    if not server_url:
        pytest.skip("SYNCLOG_TEST_POSTGRES_URL is not set")
    with temporary_database(server_url, prefix="synclog_migration") as url:
        yield url
