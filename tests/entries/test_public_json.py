"""Each entry's stored public JSON: the timeline and ``/changes`` answer, byte for byte, what pydantic writes
for the models read from the entry's columns and goal links (the read path before ``public_json``), over
entries written every way (created, replaced, patched, renamed, imported, deleted, a goal deleted), on
both engines; a tombstone keeps no text."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlalchemy import select

from app.core.database import Database
from app.entries import service as entries_service
from app.entries.models import EntryPage
from app.goals import service as goals_service
from app.pauses import service as pauses_service
from app.sync.models import Change, ChangesPage
from app.sync.service import encode_cursor as encode_changes_cursor
from tests.factories import make_entry, make_goal, register

ENTRIES = entries_service.ENTRIES.c
TIMELINE_PAGE = 3
CHANGES_PAGE = 4
# Text a person can type or paste: accents composed and combining, emoji, right-to-left marks, line and
# paragraph separators, quotes, backslashes and control characters that JSON escapes.
TEXT = 'Zoë e\u0301 🌊 \u202eשלום\u202c\r\nline two\u2028"quoted" \\ back\u0007\t'


def varied_bodies(goal_ids: list[str]) -> list[dict[str, Any]]:
    return [
        {},
        {
            "occurred_at": "2001-02-03T04:05:06.789012+05:30",
            "timezone": "Asia/Kolkata",
            "kind": "number",
            "inner": TEXT,
            "note": TEXT,
            "meaning": "11:11 again",
            "intensity": 5,
            "tags": ["Sea", "🌊", "sea level"],
            "people": ["Ana", "Zoë"],
            "goal_ids": goal_ids,
            "place": "Café «Ö», Tel Aviv",
            "lat": 0.1 + 0.2,
            "lon": -180,
        },
        {
            "occurred_at": "1970-01-01T00:00:00Z",
            "timezone": "Pacific/Chatham",
            "kind": "dream",
            "lat": 1e-7,
            "lon": 179.99999999999997,
            "goal_ids": goal_ids[:1],
        },
        {"occurred_at": "2026-03-29T01:30:00+01:00", "timezone": "Europe/Berlin", "lat": 45, "lon": -0.0},
        {"occurred_at": "2026-03-29T01:30:00.000001-03:30", "timezone": "America/St_Johns", "people": ["Ann"]},
        {"occurred_at": "2026-03-29T01:30:00.5Z", "note": "", "tags": ["x" * 60], "goal_ids": goal_ids[1:]},
    ]


def write_varied_log(client: TestClient) -> None:
    """Entries written every way an entry is written, and a goal and a pause beside them."""
    goals = [make_goal(client, title=title)["id"] for title in ("Sea", "Friends", "Work")]
    assert client.post("/api/v1/pauses", json={"start_date": "2026-01-01", "end_date": "2026-01-03"}).status_code == 201
    entries = [make_entry(client, **body) for body in varied_bodies(goals)]
    replaced = client.put(f"/api/v1/entries/{uuid.uuid4()}", json={"note": "created by PUT", "goal_ids": goals})
    assert replaced.status_code == 201, replaced.text
    assert client.put(f"/api/v1/entries/{entries[0]['id']}", json={"note": "replaced", "lat": -90}).status_code == 200
    patched = client.patch(f"/api/v1/entries/{entries[1]['id']}", json={"meaning": TEXT, "place": None})
    assert patched.status_code == 200, patched.text
    assert client.post("/api/v1/people/rename", json={"from": "ana", "to": "Ana María"}).status_code == 200
    assert client.delete(f"/api/v1/entries/{entries[4]['id']}").status_code == 204
    # Every entry linked to it gets a new version without it.
    assert client.delete(f"/api/v1/goals/{goals[1]}").status_code == 204
    export = client.get("/api/v1/export", params={"format": "json"}).json()
    export["entries"][0]["note"] = "changed by an import"
    export["entries"].append({**export["entries"][1], "id": str(uuid.uuid4()), "note": "new by an import"})
    imported = client.post("/api/v1/import", json=export)
    assert imported.status_code == 200, imported.text
    assert (imported.json()["entries"]["created"], imported.json()["entries"]["updated"]) == (1, 1)


def timeline_pages(client: TestClient) -> list[bytes]:
    pages, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": TIMELINE_PAGE} | ({} if cursor is None else {"cursor": cursor})
        response = client.get("/api/v1/entries", params=params)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        pages.append(response.content)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return pages


def changes_pages(client: TestClient) -> list[bytes]:
    pages, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": CHANGES_PAGE} | ({} if cursor is None else {"cursor": cursor})
        response = client.get("/api/v1/changes", params=params)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        pages.append(response.content)
        cursor = response.json()["next_cursor"]
        if not response.json()["has_more"]:
            return pages


def timeline_from_columns(database: Database, user_id: uuid.UUID) -> list[bytes]:
    """The timeline's pages as the models read from columns and links serialised them."""
    query = (
        select(*entries_service.PUBLIC_ROW)
        .where(ENTRIES.user_id == user_id, ENTRIES.deleted_at.is_(None))
        .order_by(ENTRIES.occurred_at.desc(), ENTRIES.id.desc())
    )
    with database.read_session() as session:
        entries = entries_service.public_entries(session.execute(query).all())
    pages = []
    for start in range(0, len(entries), TIMELINE_PAGE):
        page = entries[start : start + TIMELINE_PAGE]
        more = start + TIMELINE_PAGE < len(entries)
        cursor = entries_service.encode_cursor(page[-1].occurred_at, page[-1].id) if more else None
        pages.append(TypeAdapter(EntryPage).dump_json(EntryPage(data=page, next_cursor=cursor)))
    return pages


def changes_from_columns(database: Database, user_id: uuid.UUID) -> list[bytes]:
    """The feed's pages as the models read from columns and links serialised them."""
    kinds = (
        ("goal", goals_service.GOALS.c, goals_service.PUBLIC_ROW, goals_service.public_goals),
        ("entry", ENTRIES, entries_service.PUBLIC_ROW, entries_service.public_entries),
        ("pause", pauses_service.PAUSES.c, pauses_service.PUBLIC_ROW, pauses_service.public_pauses),
    )
    changes = []
    with database.read_session() as session:
        for kind, columns, public_row, public in kinds:
            query = select(*public_row, columns.seq, columns.deleted_at).where(columns.user_id == user_id)
            rows = session.execute(query).all()
            for row, data in zip(rows, public(rows), strict=True):
                deleted = row.deleted_at is not None
                values = {"type": kind, "id": row.id, "seq": row.seq, "version": row.version, "deleted": deleted}
                changes.append(Change.model_validate(values | {"data": None if deleted else data}))
    changes.sort(key=lambda change: change.root.seq)
    pages = []
    for start in range(0, len(changes), CHANGES_PAGE):
        page = changes[start : start + CHANGES_PAGE]
        more = start + CHANGES_PAGE < len(changes)
        answer = ChangesPage(changes=page, next_cursor=encode_changes_cursor(page[-1].root.seq), has_more=more)
        pages.append(TypeAdapter(ChangesPage).dump_json(answer))
    return pages


def test_pages_answer_the_bytes_the_models_of_the_columns_make(client: TestClient, app: FastAPI) -> None:
    user_id = uuid.UUID(register(client, timezone="America/St_Johns")["id"])
    write_varied_log(client)

    timeline = timeline_pages(client)
    changes = changes_pages(client)

    assert len(timeline) > 1 and len(changes) > 1
    assert timeline == timeline_from_columns(app.state.database, user_id)
    assert changes == changes_from_columns(app.state.database, user_id)


def test_a_tombstone_keeps_no_text(client: TestClient, app: FastAPI) -> None:
    register(client)
    entry = make_entry(client, note=TEXT, people=["Ana"])
    assert client.delete(f"/api/v1/entries/{entry['id']}").status_code == 204
    database: Database = app.state.database
    with database.read_session() as session:
        stored = session.execute(select(ENTRIES.public_json).where(ENTRIES.id == uuid.UUID(entry["id"]))).scalar_one()
    assert stored is None


def stored_public_json(database: Database, entry_id: str) -> str:
    with database.read_session() as session:
        query = select(ENTRIES.public_json).where(ENTRIES.id == uuid.UUID(entry_id))
        stored: str = session.execute(query).scalar_one()
    return stored


def test_each_write_answers_its_stored_json_which_a_read_of_its_columns_makes(client: TestClient, app: FastAPI) -> None:
    register(client, timezone="America/St_Johns")
    goals = [make_goal(client, title=title)["id"] for title in ("Sea", "Friends")]
    answers = [client.post("/api/v1/entries", json=body) for body in varied_bodies(goals)]
    answers.append(client.put(f"/api/v1/entries/{uuid.uuid4()}", json={"note": TEXT, "goal_ids": goals}))
    first = answers[0].json()["id"]
    answers.append(client.put(f"/api/v1/entries/{first}", json={"inner": TEXT, "lat": -0.0, "goal_ids": goals[1:]}))
    answers.append(client.patch(f"/api/v1/entries/{first}", json={"meaning": TEXT, "people": ["Zoë"]}))
    answers.append(client.post("/api/v1/entries", json={"tags": ["Key"]}, headers={"Idempotency-Key": "public-json-1"}))
    replayed = client.post("/api/v1/entries", json={"tags": ["Key"]}, headers={"Idempotency-Key": "public-json-1"})

    assert [answer.status_code for answer in answers] == [201] * 7 + [200, 200, 201]
    assert replayed.headers["idempotent-replayed"] == "true" and replayed.content == answers[-1].content
    # The first entry was replaced and patched since; every other one is as its write answered it.
    for answer in answers[1:-3] + answers[-1:]:
        entry_id = answer.json()["id"]
        assert answer.content.decode() == stored_public_json(app.state.database, entry_id)
        # A read builds the entry's model from its columns and goal links.
        assert answer.content == client.get(f"/api/v1/entries/{entry_id}").content
    # The replace and the patch answered the versions they wrote (the last is the stored one).
    assert answers[-3].json()["version"] == 2 and answers[-2].content == client.get(f"/api/v1/entries/{first}").content
