"""Rows inserted through the driver (``app.core.bulk``) are stored exactly as SQLAlchemy's insert stores them,
and a bulk write leaves the connection and the garbage collector as it found them."""

from __future__ import annotations

import gc
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app.auth import service as auth_service
from app.core.bulk import COPY_ROWS, bulk_insert, bulk_write
from app.core.database import Database, open_database, table_of
from app.core.settings import Settings
from app.entries.models import Entry

ENTRIES = table_of(Entry)


def entry_values(user_id: uuid.UUID, **changes: Any) -> dict[str, Any]:
    moment = datetime(2024, 5, 1, 21, 30, 15, 250, tzinfo=UTC)
    return {
        "id": uuid.uuid4(),
        "user_id": user_id,
        "occurred_at": moment,
        "timezone": "Europe/Berlin",
        "local_date": date(2024, 5, 1),
        "local_hour": 23,
        "kind": "number",
        "inner": "",
        "note": "11:11 again",
        "meaning": "",
        "intensity": 4,
        "tags": ["Sea", "Zoë"],
        "people": [],
        "place": None,
        "lat": 52.5,
        "lon": None,
        "source": "web",
        "search_text": "11:11 again\nsea\nzoë",
        "tag_keys": "\x1fsea\x1fzoë\x1f",
        "version": 1,
        "seq": 7,
        "created_at": moment,
        "updated_at": datetime(2024, 5, 2, tzinfo=UTC),
        "deleted_at": None,
        "public_json": '{"note": "11:11 again — ✓"}',
        **changes,
    }


def make_user(database: Database) -> uuid.UUID:
    with database.write_transaction() as session:
        return auth_service.create_user(session, email="bulk@example.org", password_hash="x").id


@pytest.mark.parametrize("rows", [1, COPY_ROWS])
def test_a_bulk_insert_stores_what_an_insert_stores(database_url: str, rows: int) -> None:
    """A few rows (executemany) and many (PostgreSQL's COPY) are stored as SQLAlchemy's insert stores them."""
    database = open_database(Settings(database_url=database_url))
    try:
        user_id = make_user(database)
        through_sqlalchemy, through_driver = entry_values(user_id), entry_values(user_id, seq=8)
        others = [entry_values(user_id, seq=100 + number) for number in range(rows - 1)]
        with database.write_transaction() as session:
            session.execute(insert(ENTRIES), through_sqlalchemy)
            bulk = bulk_insert(ENTRIES, session.get_bind().dialect)
            numbered = bulk.filler("seq")
            driven = [numbered(bulk.row({**values, "seq": 0}), values["seq"]) for values in [through_driver, *others]]
            bulk.insert(session, driven)
        with database.read_session() as session:
            # The raw stored values, no conversion on the way out: what a query's comparisons see.
            connection = session.connection()
            stored = {
                row[0]: row[1:]
                for row in connection.exec_driver_sql(
                    "SELECT seq, id, user_id, occurred_at, local_date, tags, lat, lon, place, created_at, deleted_at "
                    "FROM entries ORDER BY seq"
                ).all()
            }
            read = {row.seq: row for row in session.execute(select(ENTRIES).order_by(ENTRIES.c.seq)).all()}
    finally:
        database.dispose()
    assert sorted(stored) == [7, 8, *range(100, 100 + rows - 1)]
    assert stored[7][2:] == stored[8][2:]
    assert read[8]._mapping["id"] == through_driver["id"]
    assert {name: read[8]._mapping[name] for name in through_driver} == through_driver


def test_a_bulk_insert_that_breaks_a_constraint_is_an_integrity_error_naming_no_values(database_url: str) -> None:
    database = open_database(Settings(database_url=database_url))
    try:
        user_id = make_user(database)
        taken = entry_values(user_id)
        with database.write_transaction() as session:
            session.execute(insert(ENTRIES), taken)
        rows = [entry_values(user_id, seq=number) for number in range(COPY_ROWS - 1)] + [taken]
        with pytest.raises(IntegrityError) as refused, database.write_transaction() as session:
            bulk = bulk_insert(ENTRIES, session.get_bind().dialect)
            bulk.insert(session, [bulk.row(values) for values in rows])
    finally:
        database.dispose()
    assert str(taken["id"]) not in str(refused.value)
    assert taken["id"].hex not in str(refused.value)


def test_a_filler_sets_the_columns_it_names() -> None:
    database = open_database(Settings(database_url="sqlite://"))
    try:
        bulk = bulk_insert(ENTRIES, database.write_engine.dialect)
        values = entry_values(uuid.uuid4())
        row = bulk.row({**values, "seq": 0, "version": 0})
        filled = bulk.filler("version", "seq")(row, 3, 9)
    finally:
        database.dispose()
    assert filled == bulk.row({**values, "seq": 9, "version": 3})


def test_a_bulk_write_sets_the_cache_and_the_collector_back(database_url: str) -> None:
    database = open_database(Settings(database_url=database_url))
    try:
        with database.write_transaction() as session:
            sqlite = session.get_bind().dialect.name == "sqlite"
            before = session.connection().exec_driver_sql("PRAGMA cache_size").scalar_one() if sqlite else None
            with bulk_write(session):
                assert not gc.isenabled()
                with bulk_write(session):  # another import at once (PostgreSQL admits several writers)
                    pass
                assert not gc.isenabled()
            after = session.connection().exec_driver_sql("PRAGMA cache_size").scalar_one() if sqlite else None
    finally:
        database.dispose()
    assert gc.isenabled()
    assert after == before
