"""Bodies of a type the API does not read are 415 ``unsupported_media_type``, decided in one place."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.factories import make_entry, register

API = "/api/v1"


def test_a_text_body_on_a_json_route_is_unsupported(client: TestClient) -> None:
    register(client)
    entry = make_entry(client)
    body = json.dumps({"note": "typed"})
    for method, path in [
        ("POST", "/entries"),
        ("PUT", f"/entries/{entry['id']}"),
        ("PATCH", f"/entries/{entry['id']}"),
    ]:
        for media_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
            answer = client.request(method, f"{API}{path}", content=body, headers={"Content-Type": media_type})
            assert answer.status_code == 415, (method, path, media_type, answer.text)
            assert answer.json()["code"] == "unsupported_media_type"
            assert answer.headers["content-type"].startswith("application/problem+json")


def test_json_merge_patch_and_csv_are_read_where_they_belong(client: TestClient) -> None:
    register(client)
    entry = make_entry(client)
    path = f"{API}/entries/{entry['id']}"
    patch = json.dumps({"note": "merged"})
    merge = client.patch(path, content=patch, headers={"Content-Type": "application/merge-patch+json"})
    assert merge.status_code == 200 and merge.json()["note"] == "merged"
    plain = client.patch(path, content=patch, headers={"Content-Type": "application/json; charset=utf-8"})
    assert plain.status_code == 200
    csv = client.post(f"{API}/import", content="occurred_at,note\n", headers={"Content-Type": "text/csv"})
    assert csv.status_code != 415
    assert client.post(f"{API}/auth/logout").status_code != 415
