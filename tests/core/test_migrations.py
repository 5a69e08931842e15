"""The migrations build exactly the schema the models describe, on both engines."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    JSON,
    Date,
    Integer,
    SmallInteger,
    String,
    Uuid,
    column,
    create_engine,
    insert,
    inspect,
    select,
    table,
)
from sqlalchemy.sql.expression import Insert, TableClause
from sqlmodel import SQLModel

import app.models  # noqa: F401 - registers every table
from app.core.database import UTCDateTime, normalize_database_url
from app.core.migrations import alembic_config, head_revision, upgrade_to_head


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


def _table(name: str, **types: Any) -> TableClause:
    return table(name, *(column(key, type_) for key, type_ in types.items()))


def old_user(user_id: uuid.UUID, now: datetime) -> Insert:
    """The insert of a user as every revision since 0001 stores one (for a migration test's data)."""
    return insert(USERS).values(
        id=user_id,
        email="old@example.org",
        display_name="",
        timezone="UTC",
        day_start_hour=0,
        week_start="monday",
        grace_days=0,
        password_hash="unused",
        created_at=now,
        updated_at=now,
    )


UTC_TIME = UTCDateTime(timezone=True)
USERS = _table(
    "users",
    id=Uuid(),
    email=String(),
    display_name=String(),
    timezone=String(),
    day_start_hour=Integer(),
    week_start=String(),
    grace_days=Integer(),
    password_hash=String(),
    created_at=UTC_TIME,
    updated_at=UTC_TIME,
)
GOALS = _table(
    "goals",
    id=Uuid(),
    user_id=Uuid(),
    title=String(),
    description=String(),
    color=String(),
    cadence=String(),
    target=Integer(),
    status=String(),
    version=Integer(),
    seq=Integer(),
    created_at=UTC_TIME,
    updated_at=UTC_TIME,
)
# Entries as revision 0001 stores them, and the hour 0002 adds.
ENTRIES = _table(
    "entries",
    id=Uuid(),
    user_id=Uuid(),
    occurred_at=UTC_TIME,
    timezone=String(),
    local_date=Date(),
    kind=String(),
    note=String(),
    meaning=String(),
    intensity=Integer(),
    tags=JSON(),
    people=JSON(),
    source=String(),
    search_text=String(),
    tag_keys=String(),
    version=Integer(),
    seq=Integer(),
    created_at=UTC_TIME,
    updated_at=UTC_TIME,
)
HOURS = _table("entries", id=Uuid(), local_hour=SmallInteger())
ENTRY_GOALS = _table("entry_goals", entry_id=Uuid(), goal_id=Uuid())
# DST nights of both hemispheres, half-hour and 45-minute zones, changed standard offsets, before 1970.
MOMENTS = [
    ("2026-03-29T00:59:59+00:00", "Europe/Berlin"),
    ("2026-03-29T01:00:00+00:00", "Europe/Berlin"),
    ("2026-10-25T00:30:00+00:00", "Europe/Berlin"),
    ("2026-10-25T01:30:00+00:00", "Europe/Berlin"),
    ("2026-11-01T05:30:00+00:00", "America/New_York"),
    ("2026-11-01T06:30:00+00:00", "America/New_York"),
    ("2026-04-04T15:30:00+00:00", "Australia/Lord_Howe"),
    ("2026-10-03T15:30:00+00:00", "Australia/Lord_Howe"),
    ("2026-06-01T12:00:00+00:00", "Asia/Kathmandu"),
    ("1985-06-01T12:00:00+00:00", "Asia/Kathmandu"),
    ("2012-06-01T12:00:00+00:00", "Europe/Moscow"),
    ("2016-06-01T12:00:00+00:00", "Europe/Moscow"),
    ("2011-12-30T10:00:00+00:00", "Pacific/Apia"),
    ("1969-12-31T23:30:00+00:00", "America/St_Johns"),
]


def test_local_hour_is_filled_for_every_entry_by_its_wall_clock(unmigrated_url: str) -> None:
    """Migration 0002 gives each stored entry its wall-clock hour, in batches, and keeps its goal links."""
    config = alembic_config(unmigrated_url)
    command.upgrade(config, "0001")
    now = datetime(2026, 11, 29, tzinfo=UTC)
    user_id, goal_id = uuid.uuid4(), uuid.uuid4()
    moments = [(datetime.fromisoformat(at), zone) for at, zone in MOMENTS]
    # More than one batch of 5 000: every other minute of a week around the spring change in Berlin.
    start = datetime(2026, 3, 26, tzinfo=UTC)
    moments += [(start + timedelta(minutes=2 * index), "Europe/Berlin") for index in range(5_100)]
    ids = [uuid.uuid4() for _ in moments]
    entries = [
        {
            "id": entry_id,
            "user_id": user_id,
            "occurred_at": at,
            "timezone": zone,
            "local_date": at.date(),
            "kind": "other",
            "note": "",
            "meaning": "",
            "intensity": 3,
            "tags": [],
            "people": [],
            "source": "web",
            "search_text": "",
            "tag_keys": "",
            "version": 1,
            "seq": index,
            "created_at": now,
            "updated_at": now,
        }
        for index, (entry_id, (at, zone)) in enumerate(zip(ids, moments, strict=True), start=2)
    ]
    engine = create_engine(normalize_database_url(unmigrated_url))
    with engine.begin() as connection:
        connection.execute(old_user(user_id, now))
        connection.execute(
            insert(GOALS).values(
                id=goal_id,
                user_id=user_id,
                title="Walk",
                description="",
                color="#000000",
                cadence="daily",
                target=1,
                status="active",
                version=1,
                seq=1,
                created_at=now,
                updated_at=now,
            )
        )
        connection.execute(insert(ENTRIES), entries)
        connection.execute(insert(ENTRY_GOALS), [{"entry_id": ids[0], "goal_id": goal_id}])
    engine.dispose()

    command.upgrade(config, "head")

    engine = create_engine(normalize_database_url(unmigrated_url))
    with engine.connect() as connection:
        stored = dict(connection.execute(select(HOURS.c.id, HOURS.c.local_hour)).all())
        links = connection.execute(select(ENTRY_GOALS.c.entry_id)).scalars().all()
    engine.dispose()
    assert stored == {
        entry_id: at.astimezone(ZoneInfo(zone)).hour for entry_id, (at, zone) in zip(ids, moments, strict=True)
    }
    assert [stored[entry_id] for entry_id in ids[: len(MOMENTS)]] == [
        1, 3, 2, 2, 1, 1, 2, 2, 17, 17, 16, 15, 0, 20,
    ]  # fmt: skip
    assert links == [ids[0]]


def test_pauses_come_with_0003_and_go_with_its_downgrade(unmigrated_url: str) -> None:
    """Revision 0003 adds the pauses table; downgrading to 0002 removes it and upgrading adds it again."""
    config = alembic_config(unmigrated_url)

    def tables() -> set[str]:
        engine = create_engine(normalize_database_url(unmigrated_url))
        with engine.connect() as connection:
            names = set(inspect(connection).get_table_names())
        engine.dispose()
        return names

    command.upgrade(config, "head")
    assert "pauses" in tables()
    command.downgrade(config, "0002")
    assert "pauses" not in tables() and {"goals", "entries"} <= tables()
    command.upgrade(config, "head")
    assert "pauses" in tables()


def test_0004_gives_each_goal_link_its_entrys_owner_and_day(unmigrated_url: str) -> None:
    """Links of live entries get the entry's ``user_id`` and ``local_date``; a deleted entry's stray link goes."""
    config = alembic_config(unmigrated_url)
    command.upgrade(config, "0003")
    now = datetime(2026, 11, 29, tzinfo=UTC)
    user_id, goal_id, live_id, deleted_id = (uuid.uuid4() for _ in range(4))
    entry = {
        "user_id": user_id, "occurred_at": now, "timezone": "UTC", "kind": "other", "note": "", "meaning": "",
        "intensity": 3, "tags": [], "people": [], "source": "web", "search_text": "", "tag_keys": "", "version": 1,
        "created_at": now, "updated_at": now, "local_hour": 0,
    }  # fmt: skip
    engine = create_engine(normalize_database_url(unmigrated_url))
    with engine.begin() as connection:
        connection.execute(
            insert(USERS).values(
                id=user_id, email="old@example.org", display_name="", timezone="UTC", day_start_hour=0,
                week_start="monday", grace_days=0, password_hash="unused", created_at=now, updated_at=now,
            )
        )  # fmt: skip
        connection.execute(
            insert(GOALS).values(
                id=goal_id, user_id=user_id, title="Walk", description="", color="#000000", cadence="daily",
                target=1, status="active", version=1, seq=1, created_at=now, updated_at=now,
            )
        )  # fmt: skip
        entries = _table("entries", **{column.name: column.type for column in ENTRIES.c}, local_hour=SmallInteger())
        connection.execute(insert(entries), [
            {**entry, "id": live_id, "local_date": date(2026, 11, 28), "seq": 2},
            {**entry, "id": deleted_id, "local_date": date(2026, 11, 27), "seq": 3},
        ])  # fmt: skip
        deleted = _table("entries", id=Uuid(), deleted_at=UTC_TIME)
        connection.execute(deleted.update().where(deleted.c.id == deleted_id).values(deleted_at=now))
        connection.execute(
            insert(ENTRY_GOALS),
            [{"entry_id": live_id, "goal_id": goal_id}, {"entry_id": deleted_id, "goal_id": goal_id}],
        )
    engine.dispose()

    command.upgrade(config, "0004")

    links = _table("entry_goals", entry_id=Uuid(), goal_id=Uuid(), user_id=Uuid(), local_date=Date())
    engine = create_engine(normalize_database_url(unmigrated_url))
    with engine.connect() as connection:
        rows = connection.execute(select(links.c.entry_id, links.c.goal_id, links.c.user_id, links.c.local_date)).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [(live_id, goal_id, user_id, date(2026, 11, 28))]
    command.downgrade(config, "0003")
    command.upgrade(config, "head")
