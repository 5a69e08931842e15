"""A PostgreSQL database of one benchmark run's own: created on a server, dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.core.database import normalize_database_url


@contextmanager
def temporary_database(server_url: str, *, prefix: str) -> Iterator[str]:
    """The URL of a fresh database on the server of ``server_url``, written as ``server_url`` is."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalize_database_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
