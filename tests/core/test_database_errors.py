"""Database errors carry no values: a failing statement's entry text, email or hash never reaches a log."""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Integer, bindparam, cast, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

from app.api.middleware.logs import JsonFormatter, TextFormatter
from app.auth import service as auth_service
from app.auth.models import User
from app.core.database import Database, open_database, table_of
from app.core.settings import Settings
from app.entries.models import Entry

EMAIL = "secret-person@example.org"
NOTE = "my-private-synchronicity-text"
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2VjcmV0LXNhbHQ$secret-hash-value"
SECRETS = (EMAIL, NOTE, PASSWORD_HASH, "secret-person")


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    opened = open_database(Settings(database_url=database_url, rate_limits="off"))
    with opened.write_transaction() as session:
        auth_service.create_user(session, email=EMAIL, password="long enough")
    yield opened
    opened.dispose()


def _failure(database: Database, statement: Callable[[Session], object]) -> DBAPIError:
    with pytest.raises(DBAPIError) as raised, database.write_transaction() as session:
        statement(session)
    return raised.value


def _duplicate_email(session: Session) -> object:
    row = {"id": uuid.uuid4(), "email": EMAIL, "password_hash": PASSWORD_HASH, "display_name": "", "timezone": "UTC"}
    return session.execute(insert(table_of(User)).values(**row, created_at=datetime.now(UTC)))


def _entry_row_missing_its_owner(session: Session) -> object:
    # PostgreSQL's not-null error quotes the whole failing row, entry text and all.
    row = {"id": uuid.uuid4(), "note": NOTE, "meaning": NOTE, "search_text": NOTE, "local_date": date(2026, 11, 1)}
    return session.execute(insert(table_of(Entry)).values(**row))


def _logged(error: BaseException, caplog: pytest.LogCaptureFixture) -> str:
    with caplog.at_level(logging.ERROR):
        # What uvicorn does with an error that escapes a request.
        logging.getLogger("uvicorn.error").error("Exception in ASGI application", exc_info=error)
    record = caplog.records[-1]
    return "\n".join(
        [
            caplog.text,
            TextFormatter().format(record),
            JsonFormatter().format(record),
            *traceback.format_exception(error),
        ]
    )


def test_a_failing_statement_logs_neither_its_values_nor_the_rows_it_touched(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    duplicate = _failure(database, _duplicate_email)
    assert isinstance(duplicate, IntegrityError)
    missing_owner = _failure(database, _entry_row_missing_its_owner)
    assert isinstance(missing_owner, IntegrityError)
    for error in (duplicate, missing_owner):
        logged = _logged(error, caplog)
        assert "[SQL parameters hidden due to hide_parameters=True]" in logged
        for secret in SECRETS:
            assert secret not in logged
    if database.dialect == "postgresql":
        assert "UniqueViolation (SQLSTATE 23505) on table users, constraint uq_users_email" in str(duplicate)
        assert "NotNullViolation (SQLSTATE 23502) on table entries, column" in str(missing_owner)
    else:
        assert "UNIQUE constraint failed: users.email" in str(duplicate)
        assert "NOT NULL constraint failed: entries." in str(missing_owner)


def test_an_input_the_column_type_refuses_is_not_quoted(database: Database, caplog: pytest.LogCaptureFixture) -> None:
    if database.dialect != "postgresql":
        pytest.skip("SQLite converts any text to a number without an error")
    refused = _failure(database, lambda session: session.execute(select(cast(bindparam("text", NOTE), Integer))))
    assert "InvalidTextRepresentation (SQLSTATE 22P02)" in str(refused)
    assert NOTE not in _logged(refused, caplog)
