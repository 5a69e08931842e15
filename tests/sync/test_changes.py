"""The changes feed: every object's latest state once, in sequence order, behind an opaque cursor."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import bearer, make_entry, make_goal, make_token, register

CHANGES = "/api/v1/changes"


def pull_all(client: TestClient, *, limit: int = 100, headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": limit} if cursor is None else {"limit": limit, "cursor": cursor}
        response = client.get(CHANGES, params=params, headers=headers or {})
        assert response.status_code == 200, response.text
        page = response.json()
        changes.extend(page["changes"])
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return changes


def test_an_empty_feed_has_a_cursor_to_poll_with(client: TestClient) -> None:
    register(client)
    page = client.get(CHANGES).json()
    assert page["changes"] == [] and page["has_more"] is False
    again = client.get(CHANGES, params={"cursor": page["next_cursor"]}).json()
    assert again == page


def test_changes_come_in_sequence_order_with_the_api_representation(client: TestClient) -> None:
    register(client)
    goal = make_goal(client)
    entry = make_entry(client, goal_ids=[goal["id"]], tags=["sea"])
    changes = pull_all(client)
    assert [(change["type"], change["id"]) for change in changes] == [("goal", goal["id"]), ("entry", entry["id"])]
    assert changes[0]["seq"] < changes[1]["seq"]
    assert changes[0]["data"] == client.get(f"/api/v1/goals/{goal['id']}").json()
    assert changes[1]["data"] == client.get(f"/api/v1/entries/{entry['id']}").json()
    assert changes[1]["version"] == 1 and changes[1]["deleted"] is False


def test_each_object_appears_once_at_its_latest_state(client: TestClient) -> None:
    register(client)
    first = make_entry(client, note="one")
    second = make_entry(client, note="two")
    client.patch(f"/api/v1/entries/{first['id']}", json={"note": "one, edited"})
    client.delete(f"/api/v1/entries/{second['id']}")
    changes = pull_all(client)
    assert [change["id"] for change in changes] == [first["id"], second["id"]]
    assert changes[0]["data"]["note"] == "one, edited" and changes[0]["version"] == 2
    assert changes[1] == {
        "type": "entry",
        "id": second["id"],
        "seq": changes[1]["seq"],
        "version": 2,
        "deleted": True,
        "data": None,
    }


def test_paging_resumes_after_the_last_change(client: TestClient) -> None:
    register(client)
    ids = [make_entry(client, note=f"entry {number}")["id"] for number in range(7)]
    first = client.get(CHANGES, params={"limit": 3}).json()
    assert first["has_more"] is True and [change["id"] for change in first["changes"]] == ids[:3]
    assert [change["id"] for change in pull_all(client, limit=3)] == ids
    client.patch(f"/api/v1/entries/{ids[0]}", json={"note": "later"})
    rest = client.get(CHANGES, params={"cursor": first["next_cursor"], "limit": 1000}).json()
    assert [change["id"] for change in rest["changes"]] == [*ids[3:], ids[0]]
    assert rest["has_more"] is False
    tail = client.get(CHANGES, params={"cursor": rest["next_cursor"]}).json()
    assert tail["changes"] == [] and tail["next_cursor"] == rest["next_cursor"]


def test_deleting_a_goal_changes_its_entries_too(client: TestClient) -> None:
    register(client)
    goal = make_goal(client)
    entry = make_entry(client, goal_ids=[goal["id"]])
    cursor = client.get(CHANGES).json()["next_cursor"]
    assert client.delete(f"/api/v1/goals/{goal['id']}").status_code == 204
    changes = client.get(CHANGES, params={"cursor": cursor}).json()["changes"]
    assert [(change["type"], change["deleted"]) for change in changes] == [("entry", False), ("goal", True)]
    assert changes[0]["id"] == entry["id"] and changes[0]["data"]["goal_ids"] == []


def test_another_users_changes_stay_out_of_the_feed(new_client: Callable[[], TestClient]) -> None:
    alice, bob = new_client(), new_client()
    register(alice)
    register(bob)
    make_entry(alice)
    assert pull_all(bob) == []


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "garbage!",
        "djE6",  # "v1:" without a number
        base64.urlsafe_b64encode(b"v1:-4").decode(),
        base64.urlsafe_b64encode(b"v2:5").decode(),
        base64.urlsafe_b64encode(b"v1:05").decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "A" * 500,
    ],
)
def test_a_malformed_cursor_is_a_bad_request(client: TestClient, cursor: str) -> None:
    register(client)
    response = client.get(CHANGES, params={"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


@pytest.mark.parametrize("limit", [0, -1, 1001])
def test_limit_outside_its_range_is_a_validation_error(client: TestClient, limit: int) -> None:
    register(client)
    response = client.get(CHANGES, params={"limit": limit})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_tokens_need_both_read_scopes(client: TestClient) -> None:
    register(client)
    make_entry(client)
    entries_only = make_token(client, scopes=("entries:read",))
    both = make_token(client, scopes=("entries:read", "goals:read"))
    refused = client.get(CHANGES, headers=bearer(entries_only))
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    assert len(pull_all(client, headers=bearer(both))) == 1
    assert client.get(CHANGES, headers={"Authorization": "Bearer sl_pat_unknown"}).status_code == 401
