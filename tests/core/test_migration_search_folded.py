"""Migration 0009 makes every live entry's ``search_text`` again, folded as ``q`` now compares it (lower-cased,
NFKD, nonspacing marks dropped), so that ``q=zoe`` finds an entry written before it as Zoë; a tombstone's stays empty.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import SmallInteger, String, Text, Uuid, create_engine, insert, select

from app.core.database import normalize_database_url
from app.core.migrations import alembic_config
from tests.core.test_migrations import ENTRIES, UTC_TIME, _table, old_user

# Entries as revision 0008 stores them.
STORED = _table(
    "entries",
    **{column.name: column.type for column in ENTRIES.c},
    local_hour=SmallInteger(),
    inner=Text(),
    public_json=Text(),
    deleted_at=UTC_TIME,
    place=String(),
)
SEARCHED = _table("entries", id=Uuid(), deleted_at=UTC_TIME, search_text=Text())


def test_live_entries_are_searched_without_their_accents(unmigrated_url: str) -> None:
    config = alembic_config(unmigrated_url)
    command.upgrade(config, "0008")
    now = datetime(2026, 11, 29, 8, 30, tzinfo=UTC)
    user_id = uuid.UUID("00000000-0000-4000-8000-000000000001")
    live, deleted = uuid.UUID("00000000-0000-4000-8000-0000000000e1"), uuid.UUID("00000000-0000-4000-8000-0000000000e2")
    base = {
        "user_id": user_id,
        "occurred_at": now,
        "local_date": now.date(),
        "local_hour": 8,
        "timezone": "UTC",
        "kind": "other",
        "intensity": 3,
        "source": "web",
        "tag_keys": "",
        "version": 1,
        "seq": 1,
        "created_at": now,
        "updated_at": now,
        "public_json": None,
    }
    engine = create_engine(normalize_database_url(unmigrated_url))
    with engine.begin() as connection:
        connection.execute(old_user(user_id, now))
        connection.execute(
            insert(STORED),
            [
                {
                    **base,
                    "id": live,
                    "inner": "Zoë at the CAFÉ 🌊",
                    "note": "",
                    "meaning": "Ｆｕｌｌ width",
                    "tags": ["Señal"],
                    "people": ["Ana"],
                    "place": "Kraków",
                    "search_text": "zoë at the café 🌊\nｆｕｌｌ width\nseñal\nana\nkraków",
                },
                {
                    **base,
                    "id": deleted,
                    "inner": "",
                    "note": "",
                    "meaning": "",
                    "tags": [],
                    "people": [],
                    "place": None,
                    "search_text": "",
                    "deleted_at": now,
                },
            ],
        )
    engine.dispose()

    command.upgrade(config, "head")

    engine = create_engine(normalize_database_url(unmigrated_url))
    with engine.connect() as connection:
        searched = dict(connection.execute(select(SEARCHED.c.id, SEARCHED.c.search_text)).all())
    engine.dispose()
    assert searched == {live: "zoe at the cafe 🌊\nfull width\nsenal\nana\nkrakow", deleted: ""}
