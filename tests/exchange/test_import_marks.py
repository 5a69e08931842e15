"""An import that keeps the file's ``local_date`` moves the entry's marks with it: insights and ``/people``
count the person on the day the file gives."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import make_entry, register


def insights_on(client: TestClient, day: str) -> dict[str, Any]:
    response = client.get("/api/v1/insights", params={"from": day, "to": day})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_imported_marks_keep_the_files_local_date(client: TestClient) -> None:
    # 02:30 in Berlin logged with day start 0: the 20th. The export carries day start 4, by which the
    # import would make it the 19th.
    register(client, timezone="Europe/Berlin")
    make_entry(client, occurred_at="2026-11-20T01:30:00Z", timezone="Europe/Berlin", people=["Ann"], note="11:11")
    client.patch("/api/v1/me", json={"day_start_hour": 4}).raise_for_status()
    exported = client.get("/api/v1/export", params={"format": "json"})
    assert exported.status_code == 200, exported.text
    register(client, timezone="Europe/Berlin")
    imported = client.post("/api/v1/import", content=exported.content, headers={"Content-Type": "application/json"})
    assert imported.status_code == 200, imported.text
    assert imported.json()["entries"]["created"] == 1

    on_the_day = insights_on(client, "2026-11-20")
    assert on_the_day["entries"] == 1
    assert on_the_day["people"] == [{"name": "Ann", "count": 1, "last": "2026-11-20", "kinds": {"other": 1}}]
    assert [motif["name"] for motif in on_the_day["motifs"]] == ["1111"]
    day_before = insights_on(client, "2026-11-19")
    assert (day_before["entries"], day_before["people"], day_before["motifs"]) == (0, [], [])
    people = client.get("/api/v1/people")
    assert people.status_code == 200, people.text
    assert people.json()["data"] == [{"name": "Ann", "count": 1, "last": "2026-11-20"}]
