"""What a bulk import stores beside its entries, as a single write stores it: each entry's marks (people,
tags, motifs) for ``/people``, ``/tags`` and echoes, its goal links on its day for the summary, and the
export's pauses. An import that keeps the file's ``local_date`` stores the marks on that day too: insights
and ``/people`` count the person on the day the file gives."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.exchange.test_import_fidelity import export
from tests.factories import make_entry, make_goal, register

EXPORT = {"format": "synclog-export", "version": 1}


def uses(client: TestClient, path: str) -> list[tuple[str, int, str]]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return [(use["name"], use["count"], use["last"]) for use in response.json()["data"]]


def pauses(client: TestClient) -> list[tuple[str, str, str | None, str]]:
    response = client.get("/api/v1/pauses")
    assert response.status_code == 200, response.text
    return sorted(
        (pause["start_date"], pause["end_date"], pause["goal_id"], pause["note"]) for pause in response.json()["data"]
    )


def echoes(client: TestClient, entry_id: str) -> list[tuple[str, list[tuple[str, str]]]]:
    response = client.get(f"/api/v1/entries/{entry_id}/echoes")
    assert response.status_code == 200, response.text
    return [
        (echo["entry"]["id"], [(reason["type"], reason["name"]) for reason in echo["reasons"]])
        for echo in response.json()["data"]
    ]


def test_an_export_imported_into_another_account_keeps_its_pauses_and_marks(
    client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    register(client)
    goal = make_goal(client, title="Sea")
    for body in (
        {"start_date": "2026-11-02", "end_date": "2026-11-04", "goal_id": goal["id"], "note": "flu"},
        {"start_date": "2026-11-20", "end_date": "2026-11-21", "note": "away"},
    ):
        assert client.post("/api/v1/pauses", json=body).status_code == 201
    first = make_entry(client, occurred_at="2026-11-01T12:00:00Z", people=["Zoë", "Ann"], tags=["Sea"], inner="11:11")
    make_entry(client, occurred_at="2026-11-03T12:00:00Z", people=["Ann"], tags=["sea", "dream"], goal_ids=[goal["id"]])
    last = make_entry(client, occurred_at="2026-11-05T12:00:00Z", people=["Ben"], note="1111 again")
    people, tags = uses(client, "/api/v1/people"), uses(client, "/api/v1/tags")
    document = export(client, "json")

    other = new_client()
    me = register(other)
    response = other.post("/api/v1/import", content=document, headers={"Content-Type": "application/json"})

    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["pauses"], report["entries"]) == (
        {"created": 2, "updated": 0, "skipped": 0},
        {"created": 3, "updated": 0, "skipped": 0},
    )
    rekeyed = str(uuid.uuid5(uuid.UUID(me["id"]), goal["id"]))
    assert pauses(other) == [
        ("2026-11-02", "2026-11-04", rekeyed, "flu"),
        ("2026-11-20", "2026-11-21", None, "away"),
    ]
    assert (
        uses(other, "/api/v1/people")
        == people
        == [("Ann", 2, "2026-11-03"), ("Ben", 1, "2026-11-05"), ("Zoë", 1, "2026-11-01")]
    )
    assert uses(other, "/api/v1/tags") == tags
    # The motif of the first entry's inner echoes in the last one's note (ids re-keyed for this account).
    first_id, last_id = (str(uuid.uuid5(uuid.UUID(me["id"]), entry["id"])) for entry in (first, last))
    assert echoes(other, last_id) == [(first_id, [("motif", "1111")])]


def test_an_imported_new_version_replaces_the_entrys_marks(client: TestClient) -> None:
    register(client)
    stored = make_entry(client, occurred_at="2026-11-01T12:00:00Z", people=["Ann"], tags=["Sea"])
    changed = {"id": stored["id"], "occurred_at": stored["occurred_at"], "people": ["Ben"], "tags": []}

    response = client.post("/api/v1/import", json={**EXPORT, "entries": [changed]})

    assert response.status_code == 200, response.text
    assert response.json()["entries"] == {"created": 0, "updated": 1, "skipped": 0}
    assert uses(client, "/api/v1/people") == [("Ben", 1, "2026-11-01")]
    assert uses(client, "/api/v1/tags") == []


def heatmap(client: TestClient, goal_id: str | None) -> list[dict[str, Any]]:
    params = {"from": "2026-10-25", "to": "2026-11-05", **({"goal_id": goal_id} if goal_id else {})}
    response = client.get("/api/v1/summary/heatmap", params=params)
    assert response.status_code == 200, response.text
    days: list[dict[str, Any]] = response.json()["days"]
    return days


def test_imported_goal_links_count_on_the_day_the_file_keeps(client: TestClient) -> None:
    register(client, timezone="UTC")
    goal = make_goal(client, title="Sea")
    # 00:30 on 3 November, kept by the file on 2 November (a day that started at 01:00 when it was logged).
    kept = {"id": str(uuid.uuid4()), "occurred_at": "2026-11-03T00:30:00Z", "local_date": "2026-11-02"}
    computed = {"id": str(uuid.uuid4()), "occurred_at": "2026-11-04T12:00:00Z"}
    entries = [{**entry, "goal_ids": [goal["id"]]} for entry in (kept, computed)]

    response = client.post("/api/v1/import", json={**EXPORT, "entries": entries})

    assert response.status_code == 200, response.text
    days = [{"date": "2026-11-02", "count": 1}, {"date": "2026-11-04", "count": 1}]
    assert heatmap(client, goal["id"]) == heatmap(client, None) == days


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
