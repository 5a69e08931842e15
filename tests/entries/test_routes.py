"""Entries over HTTP: the write rules, validation that changes nothing, and the timeline."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import make_entry, make_goal, register


def _count(client: TestClient) -> int:
    return len(client.get("/api/v1/entries?limit=200").json()["data"])


def test_one_tap_entry_takes_defaults(client: TestClient) -> None:
    register(client, timezone="Europe/Berlin")
    response = client.post("/api/v1/entries", json={})
    assert response.status_code == 201
    entry = response.json()
    assert entry["kind"] == "other" and entry["intensity"] == 3 and entry["note"] == ""
    assert entry["timezone"] == "Europe/Berlin" and entry["source"] == "web" and entry["version"] == 1
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"].endswith(f"/api/v1/entries/{entry['id']}")
    occurred = datetime.fromisoformat(entry["occurred_at"])
    assert abs(occurred - datetime.now(UTC)) < timedelta(minutes=1)


def test_post_with_existing_id_is_conflict(client: TestClient) -> None:
    register(client)
    entry = make_entry(client)
    again = client.post("/api/v1/entries", json={"id": entry["id"], "note": "other"})
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert client.get(f"/api/v1/entries/{entry['id']}").json()["note"] == entry["note"]


def test_get_with_etag_is_304(client: TestClient) -> None:
    register(client)
    entry = make_entry(client)
    response = client.get(f"/api/v1/entries/{entry['id']}", headers={"If-None-Match": '"1"'})
    assert response.status_code == 304
    assert client.get(f"/api/v1/entries/{entry['id']}", headers={"If-None-Match": '"7"'}).status_code == 200


def test_put_keeps_time_and_zone_and_resets_the_rest(client: TestClient) -> None:
    register(client)
    entry = make_entry(client, occurred_at="2026-03-01T10:00:00+01:00", timezone="Europe/Berlin", tags=["sea"])
    replaced = client.put(f"/api/v1/entries/{entry['id']}", json={"note": "rewritten"})
    assert replaced.status_code == 200
    body = replaced.json()
    assert body["occurred_at"] == entry["occurred_at"] and body["timezone"] == "Europe/Berlin"
    assert body["tags"] == [] and body["note"] == "rewritten" and body["version"] == 2
    assert replaced.headers["etag"] == '"2"'


def test_put_creates_with_client_id(client: TestClient) -> None:
    register(client)
    entry_id = str(uuid.uuid4())
    created = client.put(f"/api/v1/entries/{entry_id}", json={"note": "offline"})
    assert created.status_code == 201 and created.json()["id"] == entry_id


@pytest.mark.parametrize("content_type", ["application/merge-patch+json", "application/json"])
def test_merge_patch(client: TestClient, content_type: str) -> None:
    register(client)
    entry = make_entry(client, tags=["a"], place="Lisbon", intensity=5)
    patched = client.patch(
        f"/api/v1/entries/{entry['id']}",
        content='{"meaning": "keep going", "place": null}',
        headers={"Content-Type": content_type},
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["meaning"] == "keep going" and body["place"] is None
    assert body["tags"] == ["a"] and body["intensity"] == 5 and body["version"] == 2


def test_null_occurred_at_and_timezone_are_refused_in_a_patch(client: TestClient) -> None:
    register(client)
    entry = make_entry(client)
    for name in ("occurred_at", "timezone"):
        response = client.patch(f"/api/v1/entries/{entry['id']}", json={name: None})
        assert response.status_code == 422, response.text
        problem = response.json()
        assert problem["code"] == "validation_error"
        assert [error["loc"] for error in problem["errors"]] == [["body", name]]
    assert client.get(f"/api/v1/entries/{entry['id']}").json()["version"] == entry["version"]
    assert client.patch(f"/api/v1/entries/{entry['id']}", json={"place": None}).status_code == 200


def test_delete_is_a_tombstone(client: TestClient) -> None:
    register(client)
    entry = make_entry(client)
    assert client.delete(f"/api/v1/entries/{entry['id']}").status_code == 204
    assert client.get(f"/api/v1/entries/{entry['id']}").status_code == 410
    assert client.get(f"/api/v1/entries/{entry['id']}").json()["code"] == "gone"
    assert client.delete(f"/api/v1/entries/{entry['id']}").status_code == 204
    assert client.put(f"/api/v1/entries/{entry['id']}", json={}).status_code == 410
    assert client.patch(f"/api/v1/entries/{entry['id']}", json={"note": "x"}).status_code == 410
    assert client.delete(f"/api/v1/entries/{uuid.uuid4()}").status_code == 404
    assert _count(client) == 0


def test_if_match_preconditions(client: TestClient) -> None:
    register(client)
    entry = make_entry(client)
    path = f"/api/v1/entries/{entry['id']}"
    stale = client.patch(path, json={"note": "mine"}, headers={"If-Match": '"9"'})
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    assert stale.json()["current"]["version"] == 1 and stale.json()["current"]["note"] == entry["note"]
    assert client.patch(path, json={"note": "mine"}, headers={"If-Match": '"1"'}).status_code == 200
    assert client.put(path, json={}, headers={"If-None-Match": "*"}).status_code == 412
    assert client.delete(path, headers={"If-Match": '"1"'}).status_code == 412
    assert client.delete(path, headers={"If-Match": '"2"'}).status_code == 204
    assert client.put(path, json={}, headers={"If-None-Match": "*"}).status_code == 410
    fresh = f"/api/v1/entries/{uuid.uuid4()}"
    assert client.put(fresh, json={}, headers={"If-Match": '"1"'}).status_code == 412
    assert client.put(fresh, json={}, headers={"If-None-Match": "*"}).status_code == 201


INVALID_BODIES: list[dict[str, Any]] = [
    {"kind": "omen"},
    {"intensity": 0},
    {"intensity": 6},
    {"note": "x" * 10_001},
    {"tags": ["x" * 61]},
    {"tags": [""]},
    {"tags": [str(n) for n in range(21)]},
    {"people": ["a"] * 21},
    {"place": "p" * 201},
    {"lat": 91},
    {"lon": -181},
    {"timezone": "Europe/Neverland"},
    {"occurred_at": "2026-01-01T10:00:00"},
    {"occurred_at": "yesterday"},
    {"goal_ids": ["not-a-uuid"]},
    {"goal_ids": [str(uuid.uuid4())]},
    {"local_date": "2026-01-01"},
    {"source": "evil"},
    {"version": 5},
    {"created_at": "2026-01-01T00:00:00Z"},
    {"mood": "happy"},
]


@pytest.mark.parametrize("body", INVALID_BODIES)
def test_invalid_entry_is_422_and_writes_nothing(client: TestClient, body: dict[str, Any]) -> None:
    register(client)
    entry = make_entry(client)
    for method, path in (("POST", "/api/v1/entries"), ("PUT", f"/api/v1/entries/{entry['id']}")):
        response = client.request(method, path, json=body)
        assert response.status_code == 422, (method, body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["code"] == "validation_error" and problem["status"] == 422 and problem["errors"]
    patch_response = client.patch(f"/api/v1/entries/{entry['id']}", json=body)
    assert patch_response.status_code == 422, (body, patch_response.text)
    assert client.get(f"/api/v1/entries/{entry['id']}").json() == entry
    assert _count(client) == 1


def test_id_in_put_body_is_read_only(client: TestClient) -> None:
    register(client)
    entry = make_entry(client)
    response = client.put(f"/api/v1/entries/{entry['id']}", json={"id": entry["id"]})
    assert response.status_code == 422 and "read-only" in response.text


def test_future_limit_is_24_hours(client: TestClient) -> None:
    register(client)
    soon = (datetime.now(UTC) + timedelta(hours=23)).isoformat()
    late = (datetime.now(UTC) + timedelta(hours=25)).isoformat()
    assert client.post("/api/v1/entries", json={"occurred_at": soon}).status_code == 201
    assert client.post("/api/v1/entries", json={"occurred_at": late}).status_code == 422


def test_malformed_ids_and_query_parameters(client: TestClient) -> None:
    register(client)
    assert client.get("/api/v1/entries/not-a-uuid").status_code == 422
    assert client.delete("/api/v1/goals/123").status_code == 422
    # SPEC §4: an invalid parameter is 422 validation_error; a malformed cursor is 400 bad_request.
    invalid = ("limit=0", "limit=201", "kind=omen", "from=2026-13-01", "goal_id=x")
    answers = {query: (422, "validation_error") for query in invalid}
    answers |= {"cursor=%%%": (400, "bad_request"), "cursor=bm9wZQ": (400, "bad_request")}
    for query, answer in answers.items():
        response = client.get(f"/api/v1/entries?{query}")
        assert (response.status_code, response.json()["code"]) == answer, query
        assert response.headers["content-type"] == "application/problem+json"


def test_timeline_pages_newest_first_without_gaps(client: TestClient) -> None:
    register(client)
    base = datetime(2026, 5, 1, 12, tzinfo=UTC)
    made = [make_entry(client, occurred_at=(base + timedelta(hours=n // 2)).isoformat()) for n in range(11)]
    seen: list[str] = []
    cursor = None
    while True:
        query = "limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"/api/v1/entries?{query}").json()
        seen += [entry["id"] for entry in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    expected = sorted(made, key=lambda e: (e["occurred_at"], uuid.UUID(e["id"])), reverse=True)
    assert seen == [entry["id"] for entry in expected]


def test_timeline_filters(client: TestClient) -> None:
    register(client)
    goal = make_goal(client)
    first = make_entry(
        client,
        occurred_at="2026-04-02T09:00:00+00:00",
        kind="dream",
        tags=["Ocean", "blue"],
        goal_ids=[goal["id"]],
        note="A whale in 100% clarity",
    )
    second = make_entry(client, occurred_at="2026-04-05T09:00:00+00:00", people=["Ann Lee"], place="Porto")
    make_entry(client, occurred_at="2026-04-09T09:00:00+00:00", tags=["oceanic"], meaning="later thoughts")

    def ids(query: str) -> list[str]:
        response = client.get(f"/api/v1/entries?{query}")
        assert response.status_code == 200, response.text
        return [entry["id"] for entry in response.json()["data"]]

    assert ids(f"goal_id={goal['id']}") == [first["id"]]
    assert ids("kind=dream") == [first["id"]]
    assert ids("tag=ocean") == [first["id"]]
    assert ids("tag=OCEAN") == [first["id"]]
    assert ids("q=WHALE") == [first["id"]]
    assert ids("q=100%25") == [first["id"]]
    assert ids("q=ann lee") == [second["id"]]
    assert ids("q=porto") == [second["id"]]
    assert ids("from=2026-04-03&to=2026-04-05") == [second["id"]]
    assert ids("q=_") == []


def test_q_finds_text_whatever_its_case_and_accents(client: TestClient) -> None:
    register(client)
    zoe = make_entry(client, occurred_at="2026-04-02T09:00:00+00:00", note="Met Zoë at the CAFÉ", tags=["Señal"])
    krakow = make_entry(client, occurred_at="2026-04-03T09:00:00+00:00", place="Kraków", people=["Ｆｕｌｌ"])
    make_entry(client, occurred_at="2026-04-04T09:00:00+00:00", note="Zoo, cage, sea")

    def ids(q: str) -> list[str]:
        response = client.get("/api/v1/entries", params={"q": q})
        assert response.status_code == 200, response.text
        return [entry["id"] for entry in response.json()["data"]]

    assert ids("zoe") == [zoe["id"]]
    assert ids("ZOË") == [zoe["id"]]
    assert ids("cafe") == [zoe["id"]]
    assert ids("senal") == [zoe["id"]]
    assert ids("krakow") == [krakow["id"]]
    assert ids("KRAKÓW") == [krakow["id"]]
    assert ids("full") == [krakow["id"]]
    assert ids("met zoe at the cafe") == [zoe["id"]]
