"""``synclog demo``: the account and a year of demo data, the same for a seed and a day, once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from tests.cli.commands import run

NOW = datetime(2026, 11, 21, 9, tzinfo=UTC)
TRIPS = {"America/New_York", "Asia/Tokyo", "Europe/Rome"}


def test_demo_creates_the_account_and_a_year_once(
    database_url: str, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.cli.demo.utcnow", lambda: NOW)
    code, out, err = run(
        database_url, "demo", "--email", "demo@example.org", "--password-stdin", stdin="demo-password\n"
    )
    assert code == 0, err
    assert out == "Created account demo@example.org.\nDemo data: 5 goals and 380 entries added for demo@example.org.\n"
    client.post(
        "/api/v1/auth/login", json={"email": "demo@example.org", "password": "demo-password"}
    ).raise_for_status()
    year = client.get("/api/v1/export").json()
    entries = year["entries"]
    # The year ending yesterday for seed 7: every kind, a home zone and three trips, most entries tied to goals.
    assert len(year["goals"]) == 5 and len(entries) == 380
    assert len({entry["kind"] for entry in entries}) == 10
    assert {entry["timezone"] for entry in entries} == {"Europe/Lisbon", *TRIPS}
    assert sum(1 for entry in entries if entry["goal_ids"]) == 265
    assert {entry["source"] for entry in entries} == {"demo"}
    days = sorted(entry["local_date"] for entry in entries)
    assert (days[0], days[-1]) == ("2025-11-23", "2026-11-20")

    code, out, _ = run(database_url, "demo", "--email", "demo@example.org")
    assert (code, out) == (0, "Demo data: 0 goals and 0 entries added for demo@example.org.\n")
