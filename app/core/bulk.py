"""Inserts of many rows straight through the database driver, their values converted ahead of time.

SQLAlchemy's executemany converts every value of every row (UUIDs, timestamps, JSON) while the
statement runs, ~15 us a row: for an import that is inside the write slot. A ``BulkInsert`` takes
the same SQL and the same conversions from SQLAlchemy (so rows are stored exactly as any other
write stores them), lets the caller convert rows whenever it likes (``row``, before the write
slot), and hands the converted rows to the driver's own executemany, or PostgreSQL's ``COPY`` (``insert``).
``bulk_write`` is what a write of many rows runs inside.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app.core.database import without_values

Convert = Callable[[Any], Any]
# From this many rows on, PostgreSQL takes them by COPY: 50 000 entries and their marks cost 3.8 s of CPU
# (Python and server) instead of 6.9 s by executemany. Fewer (a single write's marks) go by executemany.
COPY_ROWS = 100


class BulkInsert:
    """An ``INSERT`` of every column of ``table`` as the driver of ``dialect`` takes it: its SQL, and each
    column's conversion from Python values to the driver's, in the statement's order."""

    def __init__(self, table: Table, dialect: Dialect) -> None:
        # Positional placeholders for either driver (qmark on SQLite, format on psycopg), so rows are tuples.
        kind: Any = type(dialect)
        positional: Dialect = kind(paramstyle="qmark" if dialect.paramstyle == "qmark" else "format")
        compiled = insert(table).compile(dialect=positional, column_keys=[column.name for column in table.columns])
        self.table = table
        self.sql = str(compiled)
        self.names: tuple[str, ...] = tuple(compiled.positiontup or ())
        converts = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in self.names]
        self.converts: tuple[tuple[int, Convert], ...] = tuple(
            (index, convert) for index, convert in enumerate(converts) if convert is not None
        )
        self.position = {name: index for index, name in enumerate(self.names)}
        # Each column's last value and its conversion, reused when the next row repeats it (the account, the
        # import's time, an entry's id and day in each of its marks): one string kept instead of one per row
        # (100 000 entries held ~440 MiB more once converted, before this).
        self.last: list[tuple[Any, Any] | None] = [None] * len(self.names)
        quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in self.names)
        self.copy_sql = f"COPY {dialect.identifier_preparer.format_table(table)} ({quoted}) FROM STDIN"

    def row(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        """``values`` (every column, by name) as the driver takes them, in the statement's order."""
        driver = [values[name] for name in self.names]
        last = self.last
        for index, convert in self.converts:
            value = driver[index]
            before = last[index]
            # Not for JSON: equal lists may dump differently ([1] == [1.0]).
            if before is not None and before[0] == value and value is not None and type(value) not in (list, dict):
                driver[index] = before[1]
            else:
                driver[index] = converted = convert(value)
                last[index] = (value, converted)
        return tuple(driver)

    def convert(self, name: str, value: Any) -> Any:
        """One value of column ``name`` as the driver takes it."""
        index = self.position[name]
        return next((convert(value) for at, convert in self.converts if at == index), value)

    def filler(self, *names: str) -> Callable[..., tuple[Any, ...]]:
        """``fill(row, *values)``: ``row`` (from ``row``) with the columns ``names`` set to ``values`` (driver values),
        for values learnt after the row was built (an import's change numbers, taken in the write slot)."""
        order = sorted(range(len(names)), key=lambda at: self.position[names[at]])
        cuts = [self.position[names[at]] for at in order]

        def fill(row: tuple[Any, ...], *values: Any) -> tuple[Any, ...]:
            filled: tuple[Any, ...] = ()
            start = 0
            for cut, at in zip(cuts, order, strict=True):
                filled += (*row[start:cut], values[at])
                start = cut + 1
            return filled + row[start:]

        return fill

    def insert(self, session: Session, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert ``rows`` (from ``row``) in ``session``'s transaction: one executemany of the driver, or on
        PostgreSQL, from ``COPY_ROWS`` rows on, one ``COPY``."""
        connection = session.connection()
        if len(rows) < COPY_ROWS or connection.dialect.name != "postgresql":
            if rows:
                connection.exec_driver_sql(self.sql, list(rows))
            return
        dbapi, driver = connection.dialect.loaded_dbapi, connection.connection.driver_connection
        assert driver is not None  # a live connection of this session's transaction
        try:
            with driver.cursor().copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        except dbapi.Error as error:
            # Past SQLAlchemy, so raised as it raises (a race on an id is an IntegrityError), values left out.
            without_values(error)
            raise DBAPIError.instance(self.copy_sql, None, error, dbapi.Error, hide_parameters=True) from None


@functools.cache
def bulk_insert(table: Table, dialect: Dialect) -> BulkInsert:
    """The ``BulkInsert`` of ``table`` for ``dialect`` (built once per table and engine)."""
    return BulkInsert(table, dialect)


# SQLite's page cache while a bulk write runs, in KiB (PRAGMA cache_size takes it negative). The default 2 MiB
# spills and rereads index pages: 100 000 entries and their marks took 4.6 s of CPU to insert, 3.6 s with 200 MiB.
BULK_CACHE_KIB = 262_144
_collector = threading.Lock()
_paused = 0  # blocks that paused the collector (it is process-wide: the last one to end restarts it)
_was_enabled = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for the block: its passes over the many objects an import makes
    (100 000 entries, ~10 million objects) find no cycles, and took 3/4 of unpickling a checked file."""
    global _paused, _was_enabled
    with _collector:
        _paused += 1
        if _paused == 1:
            _was_enabled = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _collector:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


@contextmanager
def bulk_write(session: Session) -> Iterator[None]:
    """Around a write of many rows in ``session``'s transaction: SQLite's page cache enlarged for it (then set
    back), and the cyclic garbage collector paused (``collector_paused``)."""
    with collector_paused():
        connection = session.connection()
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            cache = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
            connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        try:
            yield
        finally:
            if sqlite:
                connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")
