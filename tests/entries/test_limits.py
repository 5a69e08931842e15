"""Input limits (SPEC §3): ``occurred_at`` from 1970, 200 goals, 20 ``goal_ids``; cursors a client forged
are 400; a 412 shows a token without the read scope only the object's id and version (SPEC §4)."""

from __future__ import annotations

import base64
import contextlib
import json
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from app.core.errors import BadRequest
from app.entries import service as entries_service
from app.entries.models import EntryReplace
from app.goals.service import MAX_GOALS
from app.sync import service as sync_service
from tests.factories import bearer, make_entry, make_goal, make_token, register

TOO_OLD = ["1969-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "1970-01-01T00:59:59+01:00"]
OUT_OF_RANGE = ["9999-12-31T23:59:59-14:00"]


def _push(client: TestClient, op: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    response = client.post("/api/v1/sync/push", json={"ops": [{"op_id": "op-1", **op}]}, **kwargs)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["results"][0]
    return result


@pytest.mark.parametrize("occurred_at", TOO_OLD + OUT_OF_RANGE)
def test_occurred_at_before_1970_is_422_on_every_write(client: TestClient, occurred_at: str) -> None:
    register(client)
    entry = make_entry(client)
    path = f"/api/v1/entries/{entry['id']}"
    answers = [
        client.post("/api/v1/entries", json={"occurred_at": occurred_at}),
        client.put(path, json={"occurred_at": occurred_at}),
        client.patch(path, json={"occurred_at": occurred_at}),
    ]
    for answer in answers:
        assert answer.status_code == 422, answer.text
        assert [error["loc"] for error in answer.json()["errors"]] == [["body", "occurred_at"]]
    pushed = _push(
        client, {"method": "PUT", "type": "entry", "id": str(uuid.uuid4()), "data": {"occurred_at": occurred_at}}
    )
    assert pushed["status"] == 422
    assert [error["loc"] for error in pushed["error"]["errors"]] == [["body", "occurred_at"]]
    assert client.get(path).json()["version"] == 1


def test_the_first_instant_of_1970_is_kept(client: TestClient) -> None:
    register(client)
    entry = make_entry(client, occurred_at="1970-01-01T01:00:00+01:00", timezone="UTC")
    assert entry["occurred_at"] == "1970-01-01T00:00:00Z"
    assert entry["local_date"] == "1970-01-01"


def test_an_entry_names_at_most_20_goals(client: TestClient) -> None:
    register(client)
    goals = [make_goal(client, title=f"Goal {number}")["id"] for number in range(21)]
    assert make_entry(client, goal_ids=goals[:20])["goal_ids"] == sorted(goals[:20])
    too_many = client.post("/api/v1/entries", json={"goal_ids": goals})
    assert too_many.status_code == 422
    assert [error["loc"] for error in too_many.json()["errors"]] == [["body", "goal_ids"]]


def test_an_account_keeps_at_most_200_goals_archived_included(client: TestClient) -> None:
    register(client)
    goals = [
        make_goal(client, title=f"Goal {number}", status="archived" if number % 2 else "active")
        for number in range(MAX_GOALS)
    ]
    refused = client.post("/api/v1/goals", json={"title": "One more"})
    assert refused.status_code == 422
    assert refused.json()["code"] == "validation_error"
    assert client.put(f"/api/v1/goals/{uuid.uuid4()}", json={"title": "One more"}).status_code == 422
    assert client.put(f"/api/v1/goals/{goals[0]['id']}", json={"title": "Renamed"}).status_code == 200
    assert client.delete(f"/api/v1/goals/{goals[1]['id']}").status_code == 204
    assert client.post("/api/v1/goals", json={"title": "One more"}).status_code == 201


def _encoded(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


FORGED_ENTRY_CURSORS = [
    _encoded(b'["2026-01-01T00:00:00+00:00", 5]'),
    _encoded(b'["2026-01-01T00:00:00", "' + b"95b8794f5c444afdae1806c1ea574be9" + b'"]'),
    _encoded(b'[5, "' + b"95b8794f5c444afdae1806c1ea574be9" + b'"]'),
    _encoded(b'["0001-01-01T00:00:00+14:00", "' + b"95b8794f5c444afdae1806c1ea574be9" + b'"]'),
    _encoded(b'{"a": 1}'),
    _encoded(b"7"),
    "%%%",
]


@pytest.mark.parametrize("cursor", FORGED_ENTRY_CURSORS)
def test_a_forged_entry_cursor_is_400(client: TestClient, cursor: str) -> None:
    register(client)
    response = client.get("/api/v1/entries", params={"cursor": cursor})
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "bad_request"


@pytest.mark.parametrize("seq", ["9223372036854775808", "9999999999999999999", "1" + "0" * 19])
def test_a_changes_cursor_beyond_a_bigint_is_400(client: TestClient, seq: str) -> None:
    register(client)
    response = client.get("/api/v1/changes", params={"cursor": _encoded(f"v1:{seq}".encode())})
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "bad_request"


def test_the_largest_changes_cursor_is_read(client: TestClient) -> None:
    register(client)
    response = client.get("/api/v1/changes", params={"cursor": _encoded(b"v1:9223372036854775807")})
    assert response.status_code == 200
    assert response.json()["changes"] == []


@given(st.text(max_size=120))
def test_any_text_as_a_cursor_is_a_position_or_400(cursor: str) -> None:
    for decode in (entries_service.decode_cursor, sync_service.decode_cursor):
        with contextlib.suppress(BadRequest):
            decode(cursor)


@given(st.lists(st.one_of(st.text(max_size=40), st.integers(), st.none(), st.floats()), max_size=3))
def test_any_json_list_as_an_entry_cursor_is_a_position_or_400(parts: list[Any]) -> None:
    try:
        occurred_at, _ = entries_service.decode_cursor(_encoded(json.dumps(parts).encode()))
    except BadRequest:
        return
    assert occurred_at.utcoffset() is not None


@given(st.datetimes(timezones=st.timezones()) | st.datetimes().map(lambda moment: moment.isoformat() + "+14:00"))
def test_any_datetime_as_occurred_at_is_kept_or_refused(moment: Any) -> None:
    value = moment if isinstance(moment, str) else moment.isoformat()
    try:
        body = EntryReplace.model_validate({"occurred_at": value})
    except ValidationError:
        return
    assert body.occurred_at is not None
    assert body.occurred_at.year >= 1969


@pytest.mark.parametrize("via", ["request", "push"])
def test_a_412_shows_a_write_only_token_just_the_id_and_version(client: TestClient, via: str) -> None:
    register(client)
    entry = make_entry(client, note="private", meaning="mine")
    writer = bearer(make_token(client, scopes=("entries:write",)))
    reader_writer = bearer(make_token(client, scopes=("entries:write", "entries:read")))
    for headers, shown in ((writer, {"id": entry["id"], "version": 1}), (reader_writer, None)):
        if via == "request":
            answer = client.patch(
                f"/api/v1/entries/{entry['id']}", json={"note": "x"}, headers={**headers, "If-Match": '"9"'}
            )
            assert answer.status_code == 412
            current = answer.json()["current"]
        else:
            op = {"method": "PATCH", "type": "entry", "id": entry["id"], "if_match": '"9"', "data": {"note": "x"}}
            result = _push(client, op, headers=headers)
            assert result["status"] == 412
            current = result["error"]["current"]
        if shown is None:
            assert current["note"] == "private"
            assert current["meaning"] == "mine"
        else:
            assert current == shown


def test_an_existing_object_under_if_none_match_shows_a_write_only_token_just_the_id_and_version(
    client: TestClient,
) -> None:
    register(client)
    goal = make_goal(client, description="private")
    writer = bearer(make_token(client, scopes=("goals:write",)))
    answer = client.put(f"/api/v1/goals/{goal['id']}", json={"title": "x"}, headers={**writer, "If-None-Match": "*"})
    assert answer.status_code == 412
    assert answer.json()["current"] == {"id": goal["id"], "version": 1}
