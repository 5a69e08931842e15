"""Migration 0006 marks every live entry stored before it: its people, tags and motifs, as the write path would;
0007 gives each mark its entry's ``local_date``, ``kind`` and ``occurred_at``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Date, SmallInteger, String, Text, Uuid, column, create_engine, insert, select, table, update

from app.core.database import normalize_database_url
from app.core.migrations import alembic_config
from tests.core.test_migrations import ENTRIES, UTC_TIME, _table, old_user

# ``_table`` takes the table's name first: the mark's ``name`` column is added separately.
MARKS = table(
    "entry_marks",
    *(column(key, String()) for key in ("mark", "key", "name", "fold")),
    column("entry_id", Uuid()),
    column("user_id", Uuid()),
    column("local_date", Date()),
    column("kind", String()),
    column("occurred_at", UTC_TIME),
)
# Entries as revision 0005 stores them.
STORED = _table(
    "entries", **{column.name: column.type for column in ENTRIES.c}, local_hour=SmallInteger(), inner=Text()
)
TOMBSTONES = _table("entries", id=Uuid(), deleted_at=UTC_TIME)


def test_existing_live_entries_are_marked(unmigrated_url: str) -> None:
    config = alembic_config(unmigrated_url)
    command.upgrade(config, "0005")
    now = datetime(2026, 11, 29, tzinfo=UTC)
    user_id = uuid.uuid4()
    marked, deleted = uuid.uuid4(), uuid.uuid4()
    base = {
        "user_id": user_id,
        "occurred_at": now,
        "timezone": "UTC",
        "local_date": now.date(),
        "kind": "number",
        "meaning": "",
        "intensity": 3,
        "source": "web",
        "search_text": "",
        "tag_keys": "",
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "local_hour": 0,
        "inner": "",
    }
    engine = create_engine(normalize_database_url(unmigrated_url))
    with engine.begin() as connection:
        connection.execute(old_user(user_id, now))
        connection.execute(
            insert(STORED),
            [
                {
                    **base,
                    "id": marked,
                    "note": "11:11 on the oven",
                    "tags": ["Sea", "sea"],
                    "people": ["Zoë"],
                    "seq": 1,
                },
                {**base, "id": deleted, "note": "", "tags": ["gone"], "people": [], "seq": 2},
            ],
        )
        connection.execute(update(TOMBSTONES).where(TOMBSTONES.c.id == deleted).values(deleted_at=now))
    engine.dispose()

    command.upgrade(config, "head")

    engine = create_engine(normalize_database_url(unmigrated_url))
    with engine.connect() as connection:
        rows = connection.execute(
            select(MARKS.c.entry_id, MARKS.c.user_id, MARKS.c.mark, MARKS.c.key, MARKS.c.name, MARKS.c.fold)
        ).all()
        copied = connection.execute(select(MARKS.c.local_date, MARKS.c.kind, MARKS.c.occurred_at).distinct()).all()
    engine.dispose()
    assert sorted(tuple(row) for row in rows) == [
        (marked, user_id, "motif", "1111", "11:11", "11:11"),
        (marked, user_id, "person", "Zoë", "Zoë", "zoe"),
        (marked, user_id, "tag", "sea", "Sea", "sea"),
    ]
    assert [tuple(row) for row in copied] == [(now.date(), "number", now)]
