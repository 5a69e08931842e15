"""Echoes of an entry and on this day, over HTTP on a hand-built log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import bearer, make_entry, make_token, register


def echoes(client: TestClient, entry: dict[str, Any], **params: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    response = client.get(f"/api/v1/entries/{entry['id']}/echoes", params=params)
    assert response.status_code == 200, response.text
    return [
        (echo["entry"]["id"], [(reason["type"], reason["name"]) for reason in echo["reasons"]])
        for echo in response.json()["data"]
    ]


def test_echoes_with_their_reasons_strongest_first(client: TestClient) -> None:
    register(client)
    entry = make_entry(
        client,
        occurred_at="2026-06-10T12:00:00Z",
        kind="number",
        people=["Ann"],
        tags=["Sea"],
        inner="thinking of 444",
        note="11:11 on the clock",
    )
    strong = make_entry(
        client, occurred_at="2026-01-01T08:00:00Z", kind="number", people=["Ann"], tags=["sea"], note="1111 again"
    )
    near = make_entry(client, occurred_at="2026-06-11T12:00:00Z", people=["Ann"])
    far = make_entry(client, occurred_at="2026-09-01T12:00:00Z", people=["Ann", "Ben"])
    motif = make_entry(client, occurred_at="2026-06-09T13:00:00Z", kind="dream", tags=["444"])
    make_entry(client, occurred_at="2026-06-10T13:00:00Z", people=["ann"], tags=["desert"], note="44")
    gone = make_entry(client, occurred_at="2026-06-10T12:30:00Z", people=["Ann"])
    client.delete(f"/api/v1/entries/{gone['id']}").raise_for_status()
    assert echoes(client, entry) == [
        (strong["id"], [("person", "Ann"), ("tag", "Sea"), ("motif", "1111"), ("kind", "number")]),
        (motif["id"], [("motif", "444")]),
        (near["id"], [("person", "Ann")]),
        (far["id"], [("person", "Ann")]),
    ]
    assert echoes(client, entry, limit=1) == [
        (strong["id"], [("person", "Ann"), ("tag", "Sea"), ("motif", "1111"), ("kind", "number")])
    ]
    assert echoes(client, far) == [
        (near["id"], [("person", "Ann")]),
        (entry["id"], [("person", "Ann")]),
        (strong["id"], [("person", "Ann")]),
    ]


def test_an_edit_moves_the_echoes(client: TestClient) -> None:
    register(client)
    entry = make_entry(client, note="333 on a bus")
    other = make_entry(client, note="a bus numbered 333")
    assert echoes(client, entry) == [(other["id"], [("motif", "333")])]
    client.patch(f"/api/v1/entries/{other['id']}", json={"note": "a bus numbered 33"}).raise_for_status()
    assert echoes(client, entry) == []
    client.patch(f"/api/v1/entries/{other['id']}", json={"inner": "3:33 in my head"}).raise_for_status()
    assert echoes(client, entry) == [(other["id"], [("motif", "333")])]


def test_echoes_of_a_missing_deleted_or_foreign_entry(new_client: Callable[[], TestClient]) -> None:
    owner, stranger = new_client(), new_client()
    register(owner)
    entry = make_entry(owner, people=["Ann"])
    gone = make_entry(owner, people=["Ann"])
    owner.delete(f"/api/v1/entries/{gone['id']}").raise_for_status()
    deleted = owner.get(f"/api/v1/entries/{gone['id']}/echoes")
    assert deleted.status_code == 410 and deleted.json()["code"] == "gone"
    register(stranger)
    foreign = stranger.get(f"/api/v1/entries/{entry['id']}/echoes")
    assert foreign.status_code == 404 and foreign.json()["code"] == "not_found"
    token = make_token(owner, scopes=("goals:read",))
    denied = owner.get(f"/api/v1/entries/{entry['id']}/echoes", headers=bearer(token))
    assert denied.status_code == 403 and denied.json()["code"] == "insufficient_scope"
    bad = owner.get(f"/api/v1/entries/{entry['id']}/echoes", params={"limit": 0})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"


def on_this_day(client: TestClient, day: str) -> list[str]:
    response = client.get("/api/v1/entries/on-this-day", params={"date": day})
    assert response.status_code == 200, response.text
    assert response.json()["date"] == day
    return [entry["local_date"] for entry in response.json()["data"]]


def test_on_this_day_across_leap_years(client: TestClient) -> None:
    register(client)
    for day in ["2020-02-28", "2020-02-29", "2023-02-28", "2024-02-29", "2024-03-01", "2025-02-28", "2026-02-28"]:
        make_entry(client, occurred_at=f"{day}T12:00:00Z")
    make_entry(client, occurred_at="2024-02-29T08:00:00Z", note="earlier that day")
    gone = make_entry(client, occurred_at="2019-02-28T12:00:00Z")
    client.delete(f"/api/v1/entries/{gone['id']}").raise_for_status()
    assert on_this_day(client, "2026-02-28") == [
        "2025-02-28", "2024-02-29", "2024-02-29", "2023-02-28", "2020-02-29", "2020-02-28",
    ]  # fmt: skip
    assert on_this_day(client, "2028-02-28") == ["2026-02-28", "2025-02-28", "2023-02-28", "2020-02-28"]
    assert on_this_day(client, "2028-02-29") == ["2024-02-29", "2024-02-29", "2020-02-29"]
    assert on_this_day(client, "2025-03-01") == ["2024-03-01"]
    assert on_this_day(client, "2024-02-29") == ["2020-02-29"]
    assert on_this_day(client, "2020-02-28") == []


def test_on_this_day_defaults_to_today_and_refuses_bad_dates(client: TestClient) -> None:
    register(client, timezone="Pacific/Kiritimati")
    response = client.get("/api/v1/entries/on-this-day")
    assert response.status_code == 200 and response.json()["data"] == []
    for bad in ("2026-02-30", "0", "tomorrow"):
        refused = client.get("/api/v1/entries/on-this-day", params={"date": bad})
        assert refused.status_code == 422 and refused.json()["code"] == "validation_error"


def test_years_and_short_numbers_are_no_motifs(client: TestClient) -> None:
    register(client)
    entry = make_entry(client, note="In 2026 I saw 12 crows", tags=["10:01"])
    make_entry(client, note="2026 again, and 12 more")
    clock = make_entry(client, note="woke at 10:01")
    assert echoes(client, entry) == [(clock["id"], [("motif", "1001")])]


def test_on_this_day_is_read_only(client: TestClient) -> None:
    register(client)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = client.request(method, "/api/v1/entries/on-this-day", json={})
        assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
        assert response.headers["allow"] == "GET"
