"""An entry's ``inner`` (SPEC §3): written, limited, searched, pushed, erased by a tombstone, exported."""

from __future__ import annotations

import json
import uuid

from fastapi.testclient import TestClient

from tests.factories import make_entry, register
from tests.sync.test_push import op, push

INNER = "Wondered whether Ann still plays the cello"


def test_inner_is_written_replaced_and_patched(client: TestClient) -> None:
    register(client)
    one_tap = make_entry(client)
    assert one_tap["inner"] == ""
    entry = make_entry(client, inner=INNER)
    assert entry["inner"] == INNER
    assert client.get(f"/api/v1/entries/{entry['id']}").json()["inner"] == INNER
    patched = client.patch(f"/api/v1/entries/{entry['id']}", json={"meaning": "keep in touch"})
    assert patched.status_code == 200 and patched.json()["inner"] == INNER and patched.json()["version"] == 2
    cleared = client.patch(f"/api/v1/entries/{entry['id']}", json={"inner": None})
    assert cleared.status_code == 200 and cleared.json()["inner"] == "" and cleared.json()["version"] == 3
    client.patch(f"/api/v1/entries/{entry['id']}", json={"inner": INNER}).raise_for_status()
    replaced = client.put(f"/api/v1/entries/{entry['id']}", json={"note": "only the outer half"})
    assert replaced.status_code == 200 and replaced.json()["inner"] == "" and replaced.json()["version"] == 5


def test_inner_over_2000_characters_is_refused_and_changes_nothing(client: TestClient) -> None:
    register(client)
    entry = make_entry(client, inner="x" * 2000)
    assert len(entry["inner"]) == 2000
    too_long = client.patch(f"/api/v1/entries/{entry['id']}", json={"inner": "y" * 2001})
    assert too_long.status_code == 422 and too_long.json()["code"] == "validation_error"
    assert [error["loc"] for error in too_long.json()["errors"]] == [["body", "inner"]]
    created = client.post("/api/v1/entries", json={"inner": "z" * 2001})
    assert created.status_code == 422 and created.json()["errors"][0]["loc"] == ["body", "inner"]
    stored = client.get(f"/api/v1/entries/{entry['id']}").json()
    assert stored["inner"] == "x" * 2000 and stored["version"] == 1
    assert len(client.get("/api/v1/entries").json()["data"]) == 1


def test_q_searches_inner_case_insensitively(client: TestClient) -> None:
    register(client)
    entry = make_entry(client, inner=INNER, note="Met her at the station")
    make_entry(client, note="Nothing on my mind")
    found = client.get("/api/v1/entries", params={"q": "THE CELLO"}).json()["data"]
    assert [hit["id"] for hit in found] == [entry["id"]]
    client.patch(f"/api/v1/entries/{entry['id']}", json={"inner": "A quiet morning"}).raise_for_status()
    assert client.get("/api/v1/entries", params={"q": "cello"}).json()["data"] == []


def test_a_pushed_op_writes_inner_and_a_tombstone_erases_it(client: TestClient) -> None:
    register(client)
    entry_id = str(uuid.uuid4())
    results = push(
        client, op("PUT", "entry", entry_id, {"inner": INNER}), op("PATCH", "entry", entry_id, {"inner": "Later"})
    )
    assert [result["status"] for result in results] == [201, 200]
    assert client.get(f"/api/v1/entries/{entry_id}").json()["inner"] == "Later"
    assert client.delete(f"/api/v1/entries/{entry_id}").status_code == 204
    changes = client.get("/api/v1/changes").json()["changes"]
    assert [(change["id"], change["deleted"], change["data"]) for change in changes] == [(entry_id, True, None)]
    assert client.get("/api/v1/entries", params={"q": "later"}).json()["data"] == []


def test_inner_is_exported_and_imported_in_every_format(client: TestClient) -> None:
    register(client)
    entry = make_entry(client, inner="=Ann; on my mind", note="outer")
    document = json.loads(client.get("/api/v1/export", params={"format": "json"}).content)
    assert [exported["inner"] for exported in document["entries"]] == ["=Ann; on my mind"]
    csv_export = client.get("/api/v1/export", params={"format": "csv"}).text
    header, row = csv_export.splitlines()[:2]
    assert header.split(",")[5:8] == ["intensity", "inner", "note"]
    assert "'=Ann; on my mind" in row
    markdown = client.get("/api/v1/export", params={"format": "markdown"}).text
    assert "*On my mind:* \\=Ann; on my mind" in markdown
    me = register(client)
    imported = client.post("/api/v1/import", content=csv_export, headers={"Content-Type": "text/csv"})
    assert imported.status_code == 200, imported.text
    copies = client.get("/api/v1/entries").json()["data"]
    assert [(copy["id"], copy["inner"]) for copy in copies] == [
        (str(uuid.uuid5(uuid.UUID(me["id"]), entry["id"])), "=Ann; on my mind")
    ]
