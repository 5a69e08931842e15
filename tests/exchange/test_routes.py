"""Export and import over HTTP: complete, streamed, idempotent, all or nothing, across engines."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.settings import Settings
from app.exchange import service
from app.main import create_app
from tests.factories import bearer, make_entry, make_goal, make_token, register

# Server-maintained bookkeeping that a new account's copy cannot share: it starts its own history.
BOOKKEEPING = ("version", "created_at", "updated_at")


def seed(client: TestClient) -> dict[str, Any]:
    """An account with settings, an active and an archived goal, entries (one by a token) and a deleted one,
    a pause of the whole log, a pause of the active goal and a deleted pause."""
    client.patch(
        "/api/v1/me",
        json={"display_name": "Ada", "timezone": "Europe/Lisbon", "day_start_hour": 4, "week_start": "sunday"},
    ).raise_for_status()
    sea = make_goal(client, title="Live near the sea", cadence="daily", color="#1188aa")
    music = make_goal(client, title="Make music", description="Play with others", status="archived")
    first = make_entry(
        client,
        occurred_at="2026-11-20T02:30:00+00:00",
        kind="thought_then_met",
        note="Thought of Ann, then met her at the harbour",
        meaning="Keep in touch",
        intensity=5,
        tags=["friends", "Harbour"],
        people=["Ann"],
        goal_ids=[sea["id"], music["id"]],
        place="Lisbon",
        lat=38.7,
        lon=-9.14,
    )
    token = make_token(client, name="Shortcuts")
    response = client.post(
        "/api/v1/entries",
        json={"occurred_at": "2026-11-21T18:00:00-05:00", "timezone": "America/New_York", "kind": "number"},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    gone = make_entry(client, note="deleted later")
    assert client.delete(f"/api/v1/entries/{gone['id']}").status_code == 204
    client.put(f"/api/v1/entries/{first['id']}", json={**writable(first), "intensity": 4}).raise_for_status()
    pauses = [
        client.post("/api/v1/pauses", json={"start_date": start, "end_date": end, **fields}).json()
        for start, end, fields in (
            ("2026-11-10", "2026-11-12", {"note": "Retreat"}),
            ("2026-11-14", "2026-11-20", {"goal_id": sea["id"]}),
            ("2026-12-01", "2026-12-02", {}),
        )
    ]
    assert client.delete(f"/api/v1/pauses/{pauses[2]['id']}").status_code == 204
    return {"goals": [sea, music], "entries": [first, response.json()], "deleted": gone, "pauses": pauses[:2]}


def writable(entry: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "occurred_at",
        "timezone",
        "kind",
        "inner",
        "note",
        "meaning",
        "intensity",
        "tags",
        "people",
        "goal_ids",
        "place",
    )
    return {name: entry[name] for name in (*keep, "lat", "lon")}


def export_json(client: TestClient, **headers: str) -> dict[str, Any]:
    response = client.get("/api/v1/export", params={"format": "json"}, headers=headers)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = json.loads(response.content)
    return document


def without_bookkeeping(document: dict[str, Any]) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(document))
    copy.pop("exported_at")
    for item in copy["goals"] + copy["pauses"] + copy["entries"]:
        for name in BOOKKEEPING:
            item.pop(name)
    return copy


def import_(client: TestClient, content: bytes | str, content_type: str = "application/json") -> Any:
    return client.post("/api/v1/import", content=content, headers={"Content-Type": content_type})


def test_json_export_is_the_whole_account_as_the_api_returns_it(client: TestClient) -> None:
    register(client)
    seeded = seed(client)
    response = client.get("/api/v1/export")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].startswith('attachment; filename="synclog-')
    assert response.headers["content-disposition"].endswith('.json"')
    document = response.json()
    assert document["format"] == "synclog-export"
    assert document["version"] == 1
    assert document["user"] == {
        "display_name": "Ada",
        "timezone": "Europe/Lisbon",
        "day_start_hour": 4,
        "week_start": "sunday",
        "grace_days": 0,
    }
    all_goals = client.get("/api/v1/goals", params={"status": "all"}).json()["data"]
    assert sorted(document["goals"], key=lambda goal: goal["id"]) == sorted(all_goals, key=lambda goal: goal["id"])
    assert document["pauses"] == client.get("/api/v1/pauses").json()["data"] == seeded["pauses"]
    listed = client.get("/api/v1/entries").json()["data"]
    assert sorted(document["entries"], key=lambda entry: entry["id"]) == sorted(listed, key=lambda entry: entry["id"])
    assert seeded["deleted"]["id"] not in {entry["id"] for entry in document["entries"]}
    assert [entry["local_date"] for entry in document["entries"]] == ["2026-11-19", "2026-11-21"]


def test_export_pages_through_many_entries_in_order(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "PAGE_SIZE", 3)
    register(client)
    made = [make_entry(client, occurred_at=f"2026-11-{day:02d}T12:00:00Z", note=f"day {day}") for day in range(1, 11)]
    document = export_json(client)
    assert [entry["id"] for entry in document["entries"]] == [entry["id"] for entry in made]


@pytest.mark.parametrize(
    ("export_format", "media_type", "extension"), [("csv", "text/csv", "csv"), ("markdown", "text/markdown", "md")]
)
def test_csv_and_markdown_are_downloads(
    client: TestClient, export_format: str, media_type: str, extension: str
) -> None:
    register(client)
    response = client.get("/api/v1/export", params={"format": export_format})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert response.headers["content-disposition"].endswith(f'.{extension}"')


def test_export_format_outside_the_list_is_a_validation_error(client: TestClient) -> None:
    register(client)
    response = client.get("/api/v1/export", params={"format": "xml"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_round_trip_into_a_fresh_account_on_the_other_engine(client: TestClient, other_client: TestClient) -> None:
    register(client)
    seed(client)
    original = export_json(client)

    register(other_client)
    response = import_(other_client, json.dumps(original))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "settings": "updated",
        "goals": {"created": 2, "updated": 0, "skipped": 0},
        "pauses": {"created": 2, "updated": 0, "skipped": 0},
        "entries": {"created": 2, "updated": 0, "skipped": 0},
    }
    copy = export_json(other_client)
    assert without_bookkeeping(copy) == without_bookkeeping(original)
    assert {entry["source"] for entry in copy["entries"]} == {"web", "Shortcuts"}


def test_importing_the_same_file_twice_changes_nothing(client: TestClient, other_client: TestClient) -> None:
    register(client)
    seed(client)
    document = json.dumps(export_json(client))
    register(other_client)
    assert import_(other_client, document).status_code == 200
    before = export_json(other_client)
    cursor_before = other_client.get("/api/v1/entries").json()

    again = import_(other_client, document)
    assert again.status_code == 200
    assert again.json() == {
        "settings": "unchanged",
        "goals": {"created": 0, "updated": 0, "skipped": 2},
        "pauses": {"created": 0, "updated": 0, "skipped": 2},
        "entries": {"created": 0, "updated": 0, "skipped": 2},
    }
    after = export_json(other_client)
    assert {**after, "exported_at": None} == {**before, "exported_at": None}
    assert other_client.get("/api/v1/entries").json() == cursor_before


def test_import_updates_what_changed_since(client: TestClient) -> None:
    register(client)
    seed(client)
    document = export_json(client)
    changed = document["entries"][0]
    client.patch(f"/api/v1/entries/{changed['id']}", json={"note": "edited after the export"}).raise_for_status()
    response = import_(client, json.dumps(document))
    assert response.json()["entries"] == {"created": 0, "updated": 1, "skipped": 1}
    assert client.get(f"/api/v1/entries/{changed['id']}").json()["note"] == changed["note"]


def test_ids_another_account_owns_are_rekeyed_for_the_importer(new_client: Callable[[], TestClient]) -> None:
    alice, bob = new_client(), new_client()
    register(alice)
    seeded = seed(alice)
    document = json.dumps(export_json(alice))
    bob_user = register(bob)

    assert import_(bob, document).json()["entries"]["created"] == 2
    assert import_(bob, document).json()["entries"] == {"created": 0, "updated": 0, "skipped": 2}

    bob_id = uuid.UUID(bob_user["id"])
    sea, music = seeded["goals"]
    first = seeded["entries"][0]
    copied = bob.get(f"/api/v1/entries/{uuid.uuid5(bob_id, first['id'])}").json()
    assert copied["note"] == first["note"]
    assert copied["goal_ids"] == sorted(str(uuid.uuid5(bob_id, goal["id"])) for goal in (sea, music))
    assert alice.get(f"/api/v1/entries/{first['id']}").json()["version"] == 2
    retreat, of_sea = seeded["pauses"]
    assert bob.get(f"/api/v1/pauses/{uuid.uuid5(bob_id, retreat['id'])}").json()["note"] == "Retreat"
    assert bob.get(f"/api/v1/pauses/{uuid.uuid5(bob_id, of_sea['id'])}").json()["goal_id"] == str(
        uuid.uuid5(bob_id, sea["id"])
    )


def test_a_bad_row_fails_the_whole_import_and_is_named(client: TestClient, other_client: TestClient) -> None:
    register(client)
    seed(client)
    document = export_json(client)
    document["entries"][1]["intensity"] = 9
    register(other_client)
    response = import_(other_client, json.dumps(document))
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert problem["detail"].startswith("entries[1]: intensity")
    assert problem["errors"][0]["loc"][:4] == ["body", "entries", 1, "intensity"]
    copy = export_json(other_client)
    assert copy["goals"] == [] and copy["entries"] == []
    assert copy["user"]["timezone"] == "UTC"


def test_an_entry_naming_an_unknown_goal_is_a_bad_row(client: TestClient) -> None:
    register(client)
    document = {"format": "synclog-export", "version": 1, "goals": [], "entries": [
        {"id": str(uuid.uuid4()), "occurred_at": "2026-11-20T10:00:00Z", "note": "ok"},
        {"id": str(uuid.uuid4()), "occurred_at": "2026-11-20T11:00:00Z", "goal_ids": [str(uuid.uuid4())]},
    ]}  # fmt: skip
    response = import_(client, json.dumps(document))
    assert response.status_code == 422
    assert response.json()["detail"].startswith("entries[1]: goal_ids")
    assert client.get("/api/v1/entries").json()["data"] == []


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        ("not json", "document: not JSON"),
        ('{"format": "other"}', "document: not a Synclog export"),
        ('{"format": "synclog-export", "version": 7}', "document: unsupported export version"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused(client: TestClient, content: str, detail: str) -> None:
    register(client)
    response = import_(client, content)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(detail)


def test_csv_export_imports_into_a_fresh_account(client: TestClient, other_client: TestClient) -> None:
    register(client)
    seed(client)
    table = client.get("/api/v1/export", params={"format": "csv"}).content
    register(other_client)
    for title in ("Live near the sea", "Make music"):
        make_goal(other_client, title=title)
    first = import_(other_client, table, "text/csv")
    assert first.status_code == 200, first.text
    assert first.json()["entries"] == {"created": 2, "updated": 0, "skipped": 0}
    assert import_(other_client, table, "text/csv").json()["entries"] == {"created": 0, "updated": 0, "skipped": 2}
    original = {entry["id"]: entry for entry in export_json(client)["entries"]}
    copy = {entry["id"]: entry for entry in export_json(other_client)["entries"]}
    assert copy.keys() == original.keys()
    for entry_id, entry in copy.items():
        assert entry["note"] == original[entry_id]["note"]
        assert entry["tags"] == original[entry_id]["tags"]
        assert entry["source"] == original[entry_id]["source"]
        assert len(entry["goal_ids"]) == len(original[entry_id]["goal_ids"])


def test_a_spreadsheet_without_ids_imports_once(client: TestClient) -> None:
    register(client)
    make_goal(client, title="Make music")
    table = (
        "occurred_at,note,tags,goals,intensity\r\n"
        "2026-11-01T09:00:00Z,Heard our song,music; radio,Make music,4\r\n"
        "2026-11-02T09:00:00Z,A dream of the sea,,,\r\n"
    )
    assert import_(client, table, "text/csv").json()["entries"]["created"] == 2
    assert import_(client, table, "text/csv").json()["entries"] == {"created": 0, "updated": 0, "skipped": 2}
    entries = client.get("/api/v1/entries").json()["data"]
    assert [entry["tags"] for entry in entries] == [[], ["music", "radio"]]


@pytest.mark.parametrize(
    ("table", "detail"),
    [
        ("occurred_at,note\r\n2026-11-01T09:00:00Z,fine\r\nyesterday,broken\r\n", "row 3: occurred_at"),
        ("occurred_at,goals\r\n2026-11-01T09:00:00Z,No such goal\r\n", "row 2: goals"),
        ("occurred_at,colour\r\n2026-11-01T09:00:00Z,red\r\n", "header: unknown columns: colour"),
        ("note\r\nno time\r\n", "header: the occurred_at column is required"),
    ],
)
def test_a_bad_csv_row_fails_the_whole_import(client: TestClient, table: str, detail: str) -> None:
    register(client)
    response = import_(client, table, "text/csv")
    assert response.status_code == 422
    assert response.json()["detail"].startswith(detail)
    assert client.get("/api/v1/entries").json()["data"] == []


def test_tokens_need_the_export_scope_and_write_scopes_to_import(client: TestClient) -> None:
    register(client)
    reader = make_token(client, scopes=("entries:read",))
    exporter = make_token(client, scopes=("export",))
    assert client.get("/api/v1/export", headers=bearer(reader)).status_code == 403
    assert client.get("/api/v1/export", headers=bearer(exporter)).status_code == 200
    document = json.dumps({"format": "synclog-export", "version": 1, "goals": [], "entries": []})
    response = client.post(
        "/api/v1/import", content=document, headers={**bearer(exporter), "Content-Type": "application/json"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_an_import_over_the_size_limit_is_refused(database_url: str) -> None:
    application = create_app(Settings(database_url=database_url, rate_limits="off", max_import_bytes=2048))
    with TestClient(application) as client:
        register(client)
        response = import_(client, json.dumps({"format": "synclog-export", "padding": "x" * 4096}))
        assert response.status_code == 413
        assert response.json()["code"] == "payload_too_large"
    application.state.database.dispose()


def test_pauses_round_trip_and_deleted_ones_stay_deleted(client: TestClient) -> None:
    register(client)
    seeded = seed(client)
    document = export_json(client)
    retreat, of_sea = seeded["pauses"]
    sea = seeded["goals"][0]
    client.patch(f"/api/v1/pauses/{retreat['id']}", json={"note": "changed"}).raise_for_status()
    assert client.delete(f"/api/v1/goals/{sea['id']}").status_code == 204
    response = import_(client, json.dumps(document))
    assert response.status_code == 200, response.text
    assert response.json()["pauses"] == {"created": 0, "updated": 1, "skipped": 1}
    assert client.get(f"/api/v1/pauses/{retreat['id']}").json()["note"] == "Retreat"
    assert client.get(f"/api/v1/pauses/{of_sea['id']}").status_code == 410


@pytest.mark.parametrize(
    ("pause", "loc", "kind"),
    [
        ({"start_date": "2026-11-02", "end_date": "2026-11-01"}, ["body", "pauses", 0, "end_date"], "value_error"),
        ({"start_date": "2026-11-02"}, ["body", "pauses", 0, "end_date"], "missing"),
        ({"start_date": "2026-11-02", "end_date": "2026-11-02", "goal_id": str(uuid.UUID(int=7))},
         ["body", "pauses", 0, "goal_id"], "unknown_goal"),
    ],
)  # fmt: skip
def test_a_bad_pause_fails_the_whole_import_and_is_named(
    client: TestClient, pause: dict[str, Any], loc: list[Any], kind: str
) -> None:
    register(client)
    entry = {"id": str(uuid.uuid4()), "occurred_at": "2026-11-20T10:00:00Z", "note": "ok"}
    document = {"format": "synclog-export", "version": 1, "goals": [], "pauses": [{"id": str(uuid.uuid4()), **pause}]}
    response = import_(client, json.dumps({**document, "entries": [entry]}))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    assert response.json()["detail"].startswith("pauses[0]: ")
    assert [(error["loc"], error["type"]) for error in response.json()["errors"]] == [(loc, kind)]
    assert client.get("/api/v1/pauses").json() == {"data": []}
    assert client.get("/api/v1/entries").json()["data"] == []
