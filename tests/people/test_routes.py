"""People and tags over HTTP: autocomplete order and folding, renames and merges, what ``/changes`` shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import bearer, make_entry, make_token, register

Day = Callable[[int], str]


def on(day: int) -> str:
    return f"2026-11-{day:02}T12:00:00Z"


def names(client: TestClient, path: str, **params: Any) -> list[tuple[str, int, str]]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return [(use["name"], use["count"], use["last"]) for use in response.json()["data"]]


def test_people_most_used_first_then_latest_then_by_name(client: TestClient) -> None:
    register(client)
    make_entry(client, occurred_at=on(1), people=["Zoë", "Ann"])
    make_entry(client, occurred_at=on(3), people=["Ann", "Ann"])
    make_entry(client, occurred_at=on(2), people=["Ben", "Zoë"])
    make_entry(client, occurred_at=on(5), people=["Cleo"])
    gone = make_entry(client, occurred_at=on(9), people=["Cleo", "Dora"])
    assert client.delete(f"/api/v1/entries/{gone['id']}").status_code == 204
    assert names(client, "/api/v1/people") == [
        ("Ann", 2, "2026-11-03"),
        ("Zoë", 2, "2026-11-02"),
        ("Cleo", 1, "2026-11-05"),
        ("Ben", 1, "2026-11-02"),
    ]
    assert names(client, "/api/v1/people", limit=1) == [("Ann", 2, "2026-11-03")]


@pytest.mark.parametrize("prefix", ["zo", "ZO", "Zoe", "zoë", "ZOË"])
def test_people_prefix_is_case_and_accent_insensitive(client: TestClient, prefix: str) -> None:
    register(client)
    make_entry(client, occurred_at=on(1), people=["Zoë Martín", "Ann"])
    make_entry(client, occurred_at=on(2), people=["Zora"], tags=["zoe"])
    expected = ["Zora", "Zoë Martín"] if prefix.casefold() == "zo" else ["Zoë Martín"]
    assert [name for name, _, _ in names(client, "/api/v1/people", q=prefix)] == expected
    assert names(client, "/api/v1/people", q="martin") == []
    assert names(client, "/api/v1/people", q="%") == [] and names(client, "/api/v1/people", q="_") == []


def test_tags_compare_case_insensitively_shown_as_last_spelled(client: TestClient) -> None:
    register(client)
    make_entry(client, occurred_at=on(1), tags=["Sea", "café"])
    make_entry(client, occurred_at=on(4), tags=["sea"])
    make_entry(client, occurred_at=on(2), tags=["SEA", "Cafe"])
    assert names(client, "/api/v1/tags") == [
        ("sea", 3, "2026-11-04"),
        ("Cafe", 1, "2026-11-02"),
        ("café", 1, "2026-11-01"),
    ]
    assert names(client, "/api/v1/tags", q="CAF") == [("Cafe", 1, "2026-11-02"), ("café", 1, "2026-11-01")]


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 201}, {"q": "x" * 61}, {"q": "a\x00"}], ids=["0", "201", "long", "nul"]
)
def test_bad_list_parameters_are_validation_errors(client: TestClient, params: dict[str, Any]) -> None:
    register(client)
    for path in ("/api/v1/people", "/api/v1/tags"):
        response = client.get(path, params=params)
        assert response.status_code == 422 and response.json()["code"] == "validation_error"


def _changes(client: TestClient, cursor: str | None) -> tuple[list[dict[str, Any]], str]:
    page = client.get("/api/v1/changes", params={"cursor": cursor} if cursor else {}).json()
    return page["changes"], page["next_cursor"]


def test_rename_changes_exactly_the_entries_that_carried_the_name(client: TestClient) -> None:
    register(client)
    ann = make_entry(client, occurred_at=on(1), people=["Ann", "Ben"])
    both = make_entry(client, occurred_at=on(2), people=["Annie", "Ann"])
    other = make_entry(client, occurred_at=on(3), people=["ann", "Cleo"])
    gone = make_entry(client, occurred_at=on(4), people=["Ann"])
    client.delete(f"/api/v1/entries/{gone['id']}").raise_for_status()
    _, cursor = _changes(client, None)
    response = client.post("/api/v1/people/rename", json={"from": "Ann", "to": "Annie"})
    assert response.status_code == 200 and response.json() == {"changed": 2}
    first, merged = (client.get(f"/api/v1/entries/{entry['id']}").json() for entry in (ann, both))
    assert (first["people"], first["version"]) == (["Annie", "Ben"], 2)
    assert (merged["people"], merged["version"]) == (["Annie"], 2)
    assert client.get(f"/api/v1/entries/{other['id']}").json()["version"] == 1
    changes, _ = _changes(client, cursor)
    assert sorted((change["id"], change["version"], change["data"]["people"]) for change in changes) == sorted(
        [(ann["id"], 2, ["Annie", "Ben"]), (both["id"], 2, ["Annie"])]
    )
    assert len({change["seq"] for change in changes}) == 2
    assert names(client, "/api/v1/people") == [
        ("Annie", 2, "2026-11-02"),
        ("Cleo", 1, "2026-11-03"),
        ("ann", 1, "2026-11-03"),
        ("Ben", 1, "2026-11-01"),
    ]
    again = client.post("/api/v1/people/rename", json={"from": "Ann", "to": "Annie"})
    assert again.status_code == 200 and again.json() == {"changed": 0}


def test_tag_rename_matches_case_insensitively_and_merges(client: TestClient) -> None:
    register(client)
    sea = make_entry(client, occurred_at=on(1), tags=["Sea", "ocean"])
    ocean = make_entry(client, occurred_at=on(2), tags=["OCEAN"])
    dry = make_entry(client, occurred_at=on(3), tags=["desert"])
    response = client.post("/api/v1/tags/rename", json={"from": "ocean", "to": "sea"})
    assert response.status_code == 200 and response.json() == {"changed": 2}
    assert client.get(f"/api/v1/entries/{sea['id']}").json()["tags"] == ["Sea"]
    assert client.get(f"/api/v1/entries/{ocean['id']}").json()["tags"] == ["sea"]
    assert client.get(f"/api/v1/entries/{dry['id']}").json()["version"] == 1
    found = client.get("/api/v1/entries", params={"tag": "ocean"}).json()["data"]
    assert found == [] and len(client.get("/api/v1/entries", params={"tag": "SEA"}).json()["data"]) == 2
    recased = client.post("/api/v1/tags/rename", json={"from": "sea", "to": "Sea"})
    assert recased.json() == {"changed": 1}
    assert names(client, "/api/v1/tags") == [("Sea", 2, "2026-11-02"), ("desert", 1, "2026-11-03")]


def test_a_rename_sent_again_with_its_key_is_replayed(client: TestClient) -> None:
    register(client)
    entry = make_entry(client, people=["Ann"])
    headers = {"Idempotency-Key": "rename-1"}
    first = client.post("/api/v1/people/rename", json={"from": "Ann", "to": "Anna"}, headers=headers)
    make_entry(client, people=["Ann"])
    again = client.post("/api/v1/people/rename", json={"from": "Ann", "to": "Anna"}, headers=headers)
    assert (first.status_code, first.json()) == (200, {"changed": 1})
    assert (again.status_code, again.json(), again.headers["idempotent-replayed"]) == (200, {"changed": 1}, "true")
    assert client.get(f"/api/v1/entries/{entry['id']}").json()["version"] == 2
    reused = client.post("/api/v1/people/rename", json={"from": "Ann", "to": "Anne"}, headers=headers)
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reuse"


@pytest.mark.parametrize(
    "body",
    [
        {"from": "", "to": "x"},
        {"from": "x", "to": "y" * 61},
        {"from": "x"},
        {"from": "x", "to": "y", "z": 1},
        {"from": "a\x00", "to": "b"},
    ],
)
def test_a_bad_rename_is_refused_and_changes_nothing(client: TestClient, body: dict[str, Any]) -> None:
    register(client)
    entry = make_entry(client, people=["x"], tags=["x"])
    for path in ("/api/v1/people/rename", "/api/v1/tags/rename"):
        response = client.post(path, json=body)
        assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert client.get(f"/api/v1/entries/{entry['id']}").json()["version"] == 1


def test_scopes_and_other_accounts(new_client: Callable[[], TestClient]) -> None:
    owner, stranger = new_client(), new_client()
    register(owner)
    entry = make_entry(owner, people=["Ann"], tags=["sea"])
    reader = make_token(owner, scopes=("entries:read",))
    writer = make_token(owner, scopes=("entries:write",))
    denied = owner.post("/api/v1/people/rename", json={"from": "Ann", "to": "B"}, headers=bearer(reader))
    assert denied.status_code == 403 and denied.json()["code"] == "insufficient_scope"
    assert owner.get("/api/v1/tags", headers=bearer(writer)).json()["code"] == "insufficient_scope"
    assert owner.get("/api/v1/tags", headers=bearer(reader)).json()["data"][0]["name"] == "sea"
    register(stranger)
    assert names(stranger, "/api/v1/people") == []
    assert stranger.post("/api/v1/people/rename", json={"from": "Ann", "to": "B"}).json() == {"changed": 0}
    assert owner.get(f"/api/v1/entries/{entry['id']}").json()["people"] == ["Ann"]
    unsigned = TestClient(owner.app)
    assert unsigned.get("/api/v1/people").status_code == 401
