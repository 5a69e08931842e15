"""If-Match / If-None-Match as SPEC §4 "Preconditions" and RFC 9110 §13.1 give them, on entries and goals.

``If-Match`` compares strongly: a weak tag never matches (412). ``If-None-Match`` compares weakly.
An unquoted or malformed value is 400 ``bad_request`` naming the header, never 412.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import make_entry, make_goal, register

API = "/api/v1"
MAKERS: dict[str, Callable[..., dict[str, Any]]] = {"entries": make_entry, "goals": make_goal}
WRITES = ["PUT", "PATCH", "DELETE"]


def _send(client: TestClient, method: str, path: str, if_match: str) -> Any:
    body = {"PUT": {"title": "Sea"} if "/goals/" in path else {}, "PATCH": {}, "DELETE": None}[method]
    return client.request(method, path, json=body, headers={"If-Match": if_match})


def _made(client: TestClient, collection: str) -> str:
    register(client)
    return f"{API}/{collection}/{MAKERS[collection](client)['id']}"


@pytest.mark.parametrize("collection", list(MAKERS))
@pytest.mark.parametrize("method", WRITES)
def test_a_malformed_if_match_is_a_bad_request_naming_the_header(
    client: TestClient, collection: str, method: str
) -> None:
    path = _made(client, collection)
    for value in ["1", "W/1", '"1', '"1""2"', "", '"1" x', "**"] if method == "PATCH" else ["1"]:
        response = _send(client, method, path, value)
        assert response.status_code == 400, (value, response.text)
        assert response.json()["code"] == "bad_request" and "If-Match" in response.json()["detail"]
    assert client.get(path).json()["version"] == 1


@pytest.mark.parametrize("collection", list(MAKERS))
@pytest.mark.parametrize("method", WRITES)
def test_a_weak_tag_never_matches_under_if_match(client: TestClient, collection: str, method: str) -> None:
    path = _made(client, collection)
    response = _send(client, method, path, 'W/"1"')
    assert response.status_code == 412 and response.json()["current"]["version"] == 1


@pytest.mark.parametrize("collection", list(MAKERS))
@pytest.mark.parametrize("method", WRITES)
def test_a_list_or_star_matching_the_version_applies(client: TestClient, collection: str, method: str) -> None:
    path = _made(client, collection)
    values = ['"1"', '"2", "1"', '"3", "7"', "*"] if method != "DELETE" else ['"1", "2"']
    for value in values:
        assert _send(client, method, path, value).status_code in {200, 204}, value
    if method == "DELETE":
        assert client.get(path).status_code == 410


@pytest.mark.parametrize("collection", list(MAKERS))
def test_a_list_without_the_version_is_a_precondition_failure(client: TestClient, collection: str) -> None:
    path = _made(client, collection)
    assert _send(client, "PATCH", path, '"2", "3", "abc"').status_code == 412


@pytest.mark.parametrize("collection", list(MAKERS))
def test_if_none_match_compares_weakly_and_rejects_malformed_values(client: TestClient, collection: str) -> None:
    path = _made(client, collection)
    for value in ['"1"', 'W/"1"', '"7", W/"1"', "*"]:
        assert client.get(path, headers={"If-None-Match": value}).status_code == 304, value
    assert client.get(path, headers={"If-None-Match": '"2"'}).status_code == 200
    for value in ["1", 'W/"1']:
        answer = client.get(path, headers={"If-None-Match": value})
        assert answer.status_code == 400 and "If-None-Match" in answer.json()["detail"], value
    fresh = f"{API}/{collection}/{uuid.uuid4()}"
    body = {"title": "Sea"} if collection == "goals" else {}
    assert client.put(fresh, json=body, headers={"If-None-Match": "1"}).status_code == 400


def _push(client: TestClient, kind: str, object_id: str, if_match: Any) -> dict[str, Any]:
    op = {"op_id": str(uuid.uuid4()), "method": "PATCH", "type": kind, "id": object_id, "data": {}}
    response = client.post(f"{API}/sync/push", json={"ops": [{**op, "if_match": if_match}]})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["results"][0]
    return result


@pytest.mark.parametrize("collection", list(MAKERS))
def test_a_push_op_takes_an_integer_or_an_entity_tag(client: TestClient, collection: str) -> None:
    kind = {"entries": "entry", "goals": "goal"}[collection]
    object_id = _made(client, collection).rsplit("/", 1)[1]
    assert _push(client, kind, object_id, 1)["status"] == 200
    assert _push(client, kind, object_id, '"2"')["status"] == 200
    assert _push(client, kind, object_id, '"1", "3"')["status"] == 200
    stale = _push(client, kind, object_id, 1)
    assert stale["status"] == 412 and stale["error"]["current"]["version"] == 4
    assert _push(client, kind, object_id, 'W/"4"')["status"] == 412
    malformed = _push(client, kind, object_id, "4")
    assert malformed["status"] == 400 and malformed["error"]["code"] == "bad_request"
    assert "if_match" in malformed["error"]["detail"]
    assert _push(client, kind, object_id, "*")["status"] == 200
