"""The bulk import keeps every guarantee of a write one entry at a time: change numbers in file order,
``local_date`` and goal links as a single write stores them, repeated rows, and nothing written when
the stored data makes a checked file invalid (the check runs before the write slot is taken)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import select

from app.auth import service as auth_service
from app.auth.models import Account, User
from app.core import slow_work
from app.core.database import Database
from app.core.errors import Unauthorized, ValidationProblem
from app.core.settings import Settings
from app.exchange import importing
from app.exchange.import_checks import CheckedImport
from tests.factories import make_entry, make_goal, register

EXPORT = {"format": "synclog-export", "version": 1}


def import_document(client: TestClient, goals: list[dict[str, Any]], entries: list[dict[str, Any]]) -> Any:
    return client.post("/api/v1/import", json={**EXPORT, "goals": goals, "entries": entries})


def an_entry(index: int, **fields: Any) -> dict[str, Any]:
    occurred_at = datetime(2024, 3, 30, 22, 30, tzinfo=UTC) + timedelta(hours=index)
    return {"id": str(uuid.uuid4()), "occurred_at": occurred_at.isoformat(), "note": f"entry {index}", **fields}


def all_changes(client: TestClient) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = client.get("/api/v1/changes", params={"limit": 1000, **({"cursor": cursor} if cursor else {})}).json()
        changes += page["changes"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return changes


def test_a_bulk_import_stores_what_single_writes_store(client: TestClient) -> None:
    register(client, timezone="Europe/Berlin")
    client.patch("/api/v1/me", json={"day_start_hour": 4}).raise_for_status()
    single = make_entry(client, occurred_at="2024-03-31T00:30:00+00:00", tags=["Rock; roll"], people=["Ann"])
    goal = {"id": str(uuid.uuid4()), "title": "Health; fitness", "cadence": "daily", "target": 1}
    entries = [
        an_entry(index, tags=["Rock; roll"], people=["Ann"], goal_ids=[goal["id"]] if index % 2 else [])
        for index in range(300)
    ]
    before = all_changes(client)[-1]["seq"]

    response = import_document(client, [goal], entries)

    assert response.status_code == 200, response.text
    assert response.json()["entries"] == {"created": 300, "updated": 0, "skipped": 0}
    # Change numbers follow the goal, then the entries in the file's order, with no gap.
    changes = all_changes(client)
    imported = [change for change in changes if change["seq"] > before]
    assert [change["id"] for change in imported] == [goal["id"], *(entry["id"] for entry in entries)]
    assert [change["seq"] for change in imported] == list(range(before + 1, before + 302))
    by_id = {change["id"]: change["data"] for change in imported}
    for index, entry in enumerate(entries):
        stored = by_id[entry["id"]]
        assert stored["version"] == 1
        assert stored["goal_ids"] == ([goal["id"]] if index % 2 else [])
        assert stored["timezone"] == "Europe/Berlin"
        assert stored["source"] == "web"
    # local_date as a single write computes it (Berlin, day start 4): 00:30 UTC is 01:30 or 02:30 there.
    twin = by_id[entries[2]["id"]]
    assert twin["occurred_at"] == single["occurred_at"]
    assert twin["local_date"] == single["local_date"] == "2024-03-30"
    found = client.get("/api/v1/entries", params={"tag": "rock; roll", "limit": 200}).json()["data"]
    assert len(found) == 200
    assert client.get("/api/v1/entries", params={"q": "entry 299"}).json()["data"][0]["id"] == entries[299]["id"]


def test_a_row_repeated_is_skipped_and_a_contradicting_one_refused(client: TestClient) -> None:
    register(client)
    entry = an_entry(1)

    repeated = import_document(client, [], [entry, an_entry(2), dict(entry)])
    assert repeated.status_code == 200, repeated.text
    assert repeated.json()["entries"] == {"created": 2, "updated": 0, "skipped": 1}

    other = an_entry(3)
    contradicting = import_document(client, [], [other, {**other, "note": "something else"}])
    assert contradicting.status_code == 422
    problem = contradicting.json()
    assert problem["code"] == "validation_error"
    assert problem["errors"] == [
        {
            "loc": ["body", "entries", 1, "id"],
            "msg": f"id {other['id']} is also entries[0], with other values",
            "type": "duplicate_id",
            "row": "entries[1]",
        }
    ]
    assert client.get(f"/api/v1/entries/{other['id']}").status_code == 404


def test_an_update_and_a_create_in_one_file_keep_versions_and_links(client: TestClient) -> None:
    register(client)
    goal = make_goal(client, title="Sea")
    stored = make_entry(client, occurred_at="2024-05-01T10:00:00+00:00", goal_ids=[goal["id"]])
    changed = {"id": stored["id"], "occurred_at": stored["occurred_at"], "note": "changed", "goal_ids": []}
    same = make_entry(client, occurred_at="2024-05-02T10:00:00+00:00")
    unchanged = {name: same[name] for name in ("id", "occurred_at", "timezone", "note", "kind", "intensity")}

    response = import_document(client, [], [changed, unchanged, an_entry(5, goal_ids=[goal["id"]])])

    assert response.status_code == 200, response.text
    assert response.json()["entries"] == {"created": 1, "updated": 1, "skipped": 1}
    after = client.get(f"/api/v1/entries/{stored['id']}").json()
    assert (after["note"], after["goal_ids"], after["version"]) == ("changed", [], 2)
    assert client.get(f"/api/v1/entries/{same['id']}").json()["version"] == 1
    linked = client.get("/api/v1/entries", params={"goal_id": goal["id"]}).json()["data"]
    assert [entry["note"] for entry in linked] == ["entry 5"]


def check_now(database: Database, entries: list[dict[str, Any]]) -> tuple[Account, CheckedImport]:
    """The account (the only one) and the file checked against it, as the API checks it before the write slot."""
    raw = json.dumps({**EXPORT, "goals": [], "entries": entries}).encode()
    with database.read_session() as session:
        user = auth_service.get_account(session, user_id=session.exec(select(User.id)).one())
        return user, importing.check_file(session, user=user, source="web", raw=raw, is_csv=False)


def test_a_goal_deleted_between_check_and_write_loses_its_link(app: FastAPI, client: TestClient) -> None:
    register(client)
    goal = make_goal(client, title="Sea")
    database: Database = app.state.database
    entry = an_entry(2, goal_ids=[goal["id"]])
    user, checked = check_now(database, [entry])
    assert client.delete(f"/api/v1/goals/{goal['id']}").status_code == 204

    with database.write_transaction() as session:
        report = importing.write_checked(session, user_id=user.id, source="web", checked=checked)

    assert report.entries.created == 1
    assert client.get(f"/api/v1/entries/{entry['id']}").json()["goal_ids"] == []


def test_a_row_the_stored_data_makes_invalid_at_write_writes_nothing(
    app: FastAPI, client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    me = register(client)
    database: Database = app.state.database
    entries = [an_entry(1), an_entry(2)]
    user, checked = check_now(database, entries)
    # Meanwhile another account takes the second entry's id and the id it would be re-keyed to.
    other = new_client()
    register(other)
    taken = entries[1]["id"]
    for entry_id in (taken, str(uuid.uuid5(uuid.UUID(me["id"]), taken))):
        assert other.put(f"/api/v1/entries/{entry_id}", json={"note": "theirs"}).status_code == 201

    with pytest.raises(ValidationProblem) as refused, database.write_transaction() as session:
        importing.write_checked(session, user_id=user.id, source="web", checked=checked)

    assert refused.value.detail == "entries[1]: id belongs to another account"
    assert refused.value.extra["errors"][0]["type"] == "foreign_id"
    assert all_changes(client) == []
    make_entry(client)  # the change counter did not move either
    assert [change["seq"] for change in all_changes(client)] == [1]


def test_an_id_taken_between_check_and_write_is_rekeyed_with_its_marks_and_links(
    app: FastAPI, client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    me = register(client)
    goal = make_goal(client, title="Sea")
    database: Database = app.state.database
    entries = [an_entry(1, people=["Zoë"], tags=["Tide"]), an_entry(2, tags=["Tide"], goal_ids=[goal["id"]])]
    user, checked = check_now(database, entries)
    # Meanwhile another account takes the second entry's id (not the id it is re-keyed to).
    other = new_client()
    register(other)
    taken = entries[1]["id"]
    assert other.put(f"/api/v1/entries/{taken}", json={"note": "theirs", "tags": ["Theirs"]}).status_code == 201

    with database.write_transaction() as session:
        report = importing.write_checked(session, user_id=user.id, source="web", checked=checked)

    assert report.entries.created == 2
    rekeyed = str(uuid.uuid5(uuid.UUID(me["id"]), taken))
    stored = client.get(f"/api/v1/entries/{rekeyed}").json()
    assert (stored["note"], stored["tags"], stored["goal_ids"]) == ("entry 2", ["Tide"], [goal["id"]])
    tide = client.get("/api/v1/tags").json()["data"]
    assert [(use["name"], use["count"]) for use in tide] == [("Tide", 2)]
    assert [(use["name"], use["count"]) for use in client.get("/api/v1/people").json()["data"]] == [("Zoë", 1)]
    linked = client.get("/api/v1/entries", params={"goal_id": goal["id"]}).json()["data"]
    assert [entry["id"] for entry in linked] == [rekeyed]
    assert [(use["name"], use["count"]) for use in other.get("/api/v1/tags").json()["data"]] == [("Theirs", 1)]


def test_a_reimport_of_more_ids_than_one_look_up_takes_finds_each(client: TestClient) -> None:
    """1 200 ids (more than SQLite's look-up of 500 takes), half changed since: the second import finds every
    one (nothing is created twice), updates the changed ones and creates only the new one."""
    register(client)
    entries = [an_entry(index % 48, note=f"entry {index}") for index in range(1_200)]
    first = import_document(client, [], entries)
    assert first.status_code == 200, first.text
    assert first.json()["entries"] == {"created": 1_200, "updated": 0, "skipped": 0}
    changed = [{**entry, "note": "changed"} if index % 2 else entry for index, entry in enumerate(entries)]

    again = import_document(client, [], [*changed, an_entry(3)])

    assert again.status_code == 200, again.text
    assert again.json()["entries"] == {"created": 1, "updated": 600, "skipped": 600}
    assert len(all_changes(client)) == 1_201


def test_the_api_checks_the_file_in_a_slow_work_process_then_writes_what_it_checked(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(client)
    goal = make_goal(client, title="Sea")
    ran: list[str] = []
    run = slow_work.run

    async def run_watched(work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        ran.append(work.__name__)
        return await run(work, *args, **kwargs)

    monkeypatch.setattr(slow_work, "run", run_watched)
    entries = [an_entry(1, goal_ids=[goal["id"]]), an_entry(2, tags=["sea"])]
    response = import_document(client, [], entries)

    assert response.status_code == 200
    assert ran == ["check_account_file"]
    assert response.json()["entries"] == {"created": 2, "updated": 0, "skipped": 0}
    assert client.get(f"/api/v1/entries/{entries[0]['id']}").json()["goal_ids"] == [goal["id"]]
    assert client.get(f"/api/v1/entries/{entries[1]['id']}").json()["tags"] == ["sea"]
    bad = import_document(client, [], [an_entry(3), an_entry(4, kind="nonsense")])
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["row"] == "entries[1]"


def test_a_check_for_an_account_deleted_meanwhile_is_refused(settings: Settings) -> None:
    with pytest.raises(Unauthorized):
        importing.check_account_file(
            settings,
            user_id=uuid.uuid4(),
            source="web",
            raw=json.dumps({**EXPORT, "entries": []}).encode(),
            is_csv=False,
            settings_allowed=True,
        )
