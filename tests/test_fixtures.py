"""The shared fixtures keep tests apart: a database emptied and an app's state put back before each test."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.auth.models import User
from app.entries.models import Entry
from tests.conftest import empty_database, shared_app
from tests.factories import make_entry, register


def test_the_next_test_finds_no_rows_and_the_state_the_app_was_made_with(database_url: str, app: FastAPI) -> None:
    summary_cache = app.state.summary_cache
    with TestClient(app, base_url="http://testserver") as client:
        register(client)
        make_entry(client)
    app.state.left_by_a_test = True

    # What the ``database_url`` and ``app`` fixtures do before the next test.
    empty_database(database_url)
    next_app = shared_app(database_url)

    assert next_app is app
    assert not hasattr(next_app.state, "left_by_a_test")
    assert next_app.state.summary_cache is not summary_cache
    with next_app.state.database.read_session() as session:
        rows = [session.execute(select(func.count()).select_from(model)).scalar_one() for model in (User, Entry)]
    assert rows == [0, 0]
