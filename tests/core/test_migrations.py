"""The migrations build exactly the schema the models describe, on both engines."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import app.models  # noqa: F401 - registers every table
from app.core.database import normalize_database_url
from app.core.migrations import head_revision, upgrade_to_head


def test_models_and_migrations_agree(database_url: str) -> None:
    engine = create_engine(normalize_database_url(database_url))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert context.get_current_revision() == head_revision(database_url)
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def test_migrating_creates_the_sqlite_folder(tmp_path: Path) -> None:
    """A fresh clone has no ``./data`` yet; ``synclog serve`` and ``migrate`` make it."""
    path = tmp_path / "data" / "synclog.db"
    upgrade_to_head(f"sqlite:///{path}")
    assert path.is_file()
