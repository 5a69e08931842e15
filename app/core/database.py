"""Database engines and transactions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic_core import from_json
from sqlalchemy import DateTime, Table, event
from sqlalchemy.engine import Dialect, Engine, ExceptionContext, make_url
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, create_engine

from app.core.settings import Settings

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000
# JSON columns (an entry's tags and people, a token's scopes) are parsed by pydantic-core's parser:
# for their small arrays seven times quicker than ``json.loads``, twice for every entry read.
JSON_DESERIALIZER = from_json
SQLITE_POOL_SIZE = 16


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


# Actions waiting for a session's transaction to commit (``on_commit``), kept in ``Session.info``.
_ON_COMMIT = "synclog_on_commit"


def on_commit(session: Session, action: Callable[[], None]) -> None:
    """Run ``action`` once ``session``'s transaction commits; never, if it rolls back."""
    session.info.setdefault(_ON_COMMIT, []).append(action)


def commit(session: Session) -> None:
    """Commit ``session``'s transaction, then run what waited for it: the one place Synclog commits."""
    actions: list[Callable[[], None]] = session.info.pop(_ON_COMMIT, [])
    session.commit()
    for action in actions:
        action()


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """Commit what the block did in ``session``, or roll it back if the block raised."""
    try:
        yield session
    except BaseException:
        session.info.pop(_ON_COMMIT, None)
        session.rollback()
        raise
    commit(session)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model, for hot paths where building ORM objects costs more than the SQL."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], datetime | None] | None:
        if dialect.name == "sqlite":
            # SQLite keeps the text written (naive UTC): parsed as UTC in one step, several times quicker
            # than parsing and then replacing the zone, for every timestamp of every row read.
            return _utc_from_sqlite
        return super().result_processor(dialect, coltype)


def _utc_from_sqlite(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value + "+00:00")
    except ValueError:  # already with an offset
        return datetime.fromisoformat(value).astimezone(UTC)


def normalize_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written without a driver."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _without_values(context: ExceptionContext) -> None:
    """Reduce a PostgreSQL error's text to its kind and the schema names it concerns (``without_values``)."""
    text = without_values(context.original_exception)
    if text is not None and context.sqlalchemy_exception is not None:
        # Its text was built from the driver's before this hook ran.
        original = context.original_exception
        context.sqlalchemy_exception.args = (f"({type(original).__module__}.{type(original).__name__}) {text}",)


def without_values(original: BaseException) -> str | None:
    """Reduce a PostgreSQL error's text to its kind and the schema names it concerns; the new text, if reduced.

    The server's text quotes the values it failed on (``Failing row contains (…)``, ``Key
    (email)=(…)``, ``invalid input syntax for type uuid: "…"``), and whatever logs the error
    would log them. SQLite's messages and psycopg's connection errors name no values.
    """
    sqlstate = getattr(original, "sqlstate", None)
    diag = getattr(original, "diag", None)
    if sqlstate is None or diag is None:
        return None
    names = (("table", diag.table_name), ("column", diag.column_name), ("constraint", diag.constraint_name))
    named = ", ".join(f"{label} {value}" for label, value in names if value)
    text = f"{type(original).__name__} (SQLSTATE {sqlstate})" + (f" on {named}" if named else "")
    original.args = (text,)
    return text


def _create_engine(url: str, **options: Any) -> Engine:
    """An engine whose errors never carry the values of a statement (SPEC §8: nothing leaks into logs)."""
    engine = create_engine(url, hide_parameters=True, json_deserializer=JSON_DESERIALIZER, **options)
    event.listen(engine, "handle_error", _without_values)
    return engine


def _sqlite_pragmas(synchronous: str, *, immediate: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return on_connect


def _sqlite_begin(statement: str) -> Any:
    def on_begin(connection: Any) -> None:
        # Straight to the driver: through ``exec_driver_sql`` a BEGIN cost a third of an empty transaction.
        connection.connection.driver_connection.execute(statement)

    return on_begin


def ensure_sqlite_directory(url: str) -> None:
    """Create the folder of a SQLite database file (``./data`` on a fresh clone)."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def _make_sqlite_engine(url: str, synchronous: str, *, immediate: bool, pooled: bool = True) -> Engine:
    ensure_sqlite_directory(url)
    parsed = make_url(url)
    pool: dict[str, Any] = {}
    if not pooled:
        pool = {"poolclass": NullPool}
    elif parsed.database and parsed.database != ":memory:":
        # A request keeps its connection across several hops through the thread pool; a pool that made
        # threads wait for a connection could stall every thread while the holders wait for a thread.
        # SQLite connections are cheap, so this pool never makes anyone wait: extra ones close on return.
        pool = {"pool_size": SQLITE_POOL_SIZE, "max_overflow": -1}
    engine = _create_engine(
        url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **pool
    )
    event.listen(engine, "connect", _sqlite_pragmas(synchronous, immediate=immediate))
    event.listen(engine, "begin", _sqlite_begin("BEGIN IMMEDIATE" if immediate else "BEGIN"))
    return engine


@dataclass(frozen=True)
class Database:
    """Two engines over one database: reads, and writes (``BEGIN IMMEDIATE`` on SQLite).

    A read transaction sees one snapshot of the database on both engines: SQLite's read transactions
    do, and PostgreSQL's read engine is set to ``REPEATABLE READ`` (which a read-only transaction
    cannot fail). So a page of the changes feed or an export never mixes two moments.
    """

    read_engine: Engine
    write_engine: Engine

    @property
    def dialect(self) -> str:
        return self.read_engine.dialect.name

    def dispose(self) -> None:
        self.read_engine.dispose()
        self.write_engine.dispose()

    @contextmanager
    def write_transaction(self) -> Iterator[Session]:
        """A session of its own for one write transaction (``transaction``), closed after it."""
        with Session(self.write_engine, expire_on_commit=False) as session, transaction(session):
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        with Session(self.read_engine, expire_on_commit=False) as session:
            yield session


def open_database(settings: Settings, *, pooled: bool = True) -> Database:
    """The database ``settings`` name; with ``pooled`` false, every session connects anew and its connection closes
    when it ends (for a process that reads now and then and must hold no connection between: ``app.core.slow_work``)."""
    url = normalize_database_url(settings.database_url)
    if url.startswith("sqlite"):
        return Database(
            read_engine=_make_sqlite_engine(url, settings.sqlite_synchronous, immediate=False, pooled=pooled),
            write_engine=_make_sqlite_engine(url, settings.sqlite_synchronous, immediate=True, pooled=pooled),
        )
    pool: dict[str, Any] = (
        {"pool_size": 10, "max_overflow": 20, "pool_pre_ping": True} if pooled else {"poolclass": NullPool}
    )
    engine = _create_engine(url, **pool)
    return Database(read_engine=engine.execution_options(isolation_level="REPEATABLE READ"), write_engine=engine)
