"""Migration 0008 renders the public JSON of every live entry stored before it, goal ids included, as the
API answers it; a tombstone keeps none."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Date, SmallInteger, Text, Uuid, create_engine, insert, select, update

from app.core.database import normalize_database_url
from app.core.migrations import alembic_config
from tests.core.test_migrations import ENTRIES, GOALS, UTC_TIME, _table, old_user

# Entries as revision 0007 stores them.
STORED = _table(
    "entries", **{column.name: column.type for column in ENTRIES.c}, local_hour=SmallInteger(), inner=Text()
)
LINKS = _table("entry_goals", entry_id=Uuid(), goal_id=Uuid(), user_id=Uuid(), local_date=Date())
RENDERED = _table("entries", id=Uuid(), deleted_at=UTC_TIME, public_json=Text())


def test_existing_live_entries_get_their_public_json(unmigrated_url: str) -> None:
    config = alembic_config(unmigrated_url)
    command.upgrade(config, "0007")
    now = datetime(2026, 11, 29, 8, 30, 15, 123456, tzinfo=UTC)
    user_id = uuid.UUID("00000000-0000-4000-8000-000000000001")
    goals = [uuid.UUID("00000000-0000-4000-8000-00000000000b"), uuid.UUID("00000000-0000-4000-8000-00000000000a")]
    live, deleted = uuid.UUID("00000000-0000-4000-8000-0000000000e1"), uuid.uuid4()
    base = {
        "user_id": user_id,
        "timezone": "Asia/Kolkata",
        "kind": "number",
        "intensity": 4,
        "source": "my app",
        "search_text": "",
        "tag_keys": "",
        "version": 3,
        "created_at": now,
        "updated_at": now,
        "local_hour": 14,
        "meaning": "",
    }
    engine = create_engine(normalize_database_url(unmigrated_url))
    with engine.begin() as connection:
        connection.execute(old_user(user_id, now))
        connection.execute(
            insert(GOALS),
            [
                {
                    "id": goal_id,
                    "user_id": user_id,
                    "title": "Sea",
                    "description": "",
                    "color": "#336699",
                    "cadence": "weekly",
                    "target": 1,
                    "status": "active",
                    "version": 1,
                    "seq": seq,
                    "created_at": now,
                    "updated_at": now,
                }
                for seq, goal_id in enumerate(goals, start=1)
            ],
        )
        connection.execute(
            insert(STORED),
            [
                {
                    **base,
                    "id": live,
                    "occurred_at": datetime(2001, 2, 3, 8, 35, 6, tzinfo=UTC),
                    "local_date": datetime(2001, 2, 3).date(),
                    "inner": "Zoë 🌊",
                    "note": 'one "quote"\nand a line',
                    "tags": ["Sea"],
                    "people": ["Ana"],
                    "seq": 3,
                },
                {
                    **base,
                    "id": deleted,
                    "occurred_at": now,
                    "local_date": now.date(),
                    "inner": "",
                    "note": "",
                    "tags": [],
                    "people": [],
                    "seq": 4,
                },
            ],
        )
        connection.execute(
            insert(LINKS),
            [
                {"entry_id": live, "goal_id": goal_id, "user_id": user_id, "local_date": datetime(2001, 2, 3).date()}
                for goal_id in goals
            ],
        )
        connection.execute(update(RENDERED).where(RENDERED.c.id == deleted).values(deleted_at=now))
    engine.dispose()

    command.upgrade(config, "head")

    engine = create_engine(normalize_database_url(unmigrated_url))
    with engine.connect() as connection:
        rendered = dict(connection.execute(select(RENDERED.c.id, RENDERED.c.public_json)).all())
    engine.dispose()
    assert rendered == {
        live: (
            '{"id":"00000000-0000-4000-8000-0000000000e1","occurred_at":"2001-02-03T08:35:06Z",'
            '"timezone":"Asia/Kolkata","local_date":"2001-02-03","kind":"number","inner":"Zoë 🌊",'
            '"note":"one \\"quote\\"\\nand a line","meaning":"","intensity":4,"tags":["Sea"],"people":["Ana"],'
            '"goal_ids":["00000000-0000-4000-8000-00000000000a","00000000-0000-4000-8000-00000000000b"],'
            '"place":null,"lat":null,"lon":null,"source":"my app","version":3,'
            '"created_at":"2026-11-29T08:30:15.123456Z","updated_at":"2026-11-29T08:30:15.123456Z"}'
        ),
        deleted: None,
    }
