"""``local_date``: the day an entry belongs to, exact across DST, travel and settings changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient

from app.core.timezones import local_date
from tests.factories import make_entry, register


@pytest.mark.parametrize(
    ("occurred_at", "timezone", "day_start_hour", "expected"),
    [
        # New York springs forward at 02:00 on 2026-03-08: 01:59 EST and 03:00 EDT are one minute apart.
        ("2026-03-08T06:59:00+00:00", "America/New_York", 0, date(2026, 3, 8)),
        ("2026-03-08T07:00:00+00:00", "America/New_York", 0, date(2026, 3, 8)),
        ("2026-03-08T04:30:00+00:00", "America/New_York", 0, date(2026, 3, 7)),
        # With the day starting at 04:00, 03:30 EDT that night still belongs to the 7th.
        ("2026-03-08T07:30:00+00:00", "America/New_York", 4, date(2026, 3, 7)),
        # Berlin falls back on 2026-10-25: 02:30 happens twice, both on the 25th.
        ("2026-10-25T00:30:00+00:00", "Europe/Berlin", 0, date(2026, 10, 25)),
        ("2026-10-25T01:30:00+00:00", "Europe/Berlin", 0, date(2026, 10, 25)),
        # One instant, two places: already the 2nd in Tokyo, still the 1st in Berlin.
        ("2026-06-01T16:00:00+00:00", "Asia/Tokyo", 0, date(2026, 6, 2)),
        ("2026-06-01T16:00:00+00:00", "Europe/Berlin", 0, date(2026, 6, 1)),
        ("2026-06-01T23:30:00+02:00", "Europe/Berlin", 0, date(2026, 6, 1)),
        ("2026-06-02T01:30:00+02:00", "Europe/Berlin", 4, date(2026, 6, 1)),
    ],
)
def test_local_date_rule(occurred_at: str, timezone: str, day_start_hour: int, expected: date) -> None:
    assert local_date(datetime.fromisoformat(occurred_at), timezone, day_start_hour) == expected


def test_travel_uses_the_zone_where_it_happened(client: TestClient) -> None:
    register(client, timezone="Europe/Berlin")
    tokyo = make_entry(client, occurred_at="2026-06-01T16:00:00+00:00", timezone="Asia/Tokyo")
    home = make_entry(client, occurred_at="2026-06-01T16:00:00+00:00")
    assert (tokyo["local_date"], home["local_date"]) == ("2026-06-02", "2026-06-01")


def test_spring_forward_night_in_new_york(client: TestClient) -> None:
    register(client, timezone="America/New_York")
    before = make_entry(client, occurred_at="2026-03-08T01:59:00-05:00")
    after = make_entry(client, occurred_at="2026-03-08T03:00:00-04:00")
    assert before["local_date"] == after["local_date"] == "2026-03-08"


def test_later_settings_never_move_history(client: TestClient) -> None:
    register(client, timezone="Europe/Berlin")
    entry = make_entry(client, occurred_at="2026-06-02T01:30:00+02:00")
    assert entry["local_date"] == "2026-06-02"
    assert client.patch("/api/v1/me", json={"day_start_hour": 4, "timezone": "America/Los_Angeles"}).status_code == 200
    unchanged = client.patch(f"/api/v1/entries/{entry['id']}", json={"note": "still the 2nd"}).json()
    assert unchanged["local_date"] == "2026-06-02"
    moved = client.patch(f"/api/v1/entries/{entry['id']}", json={"occurred_at": "2026-06-02T01:31:00+02:00"}).json()
    # The time changed, so local_date is computed again: Berlin wall clock 01:31 minus 4 h is the 1st.
    assert moved["local_date"] == "2026-06-01"
    new = make_entry(client, occurred_at=datetime(2026, 6, 2, 9, 0, tzinfo=UTC).isoformat())
    # 02:00 in Los Angeles minus the 4-hour day start: the 1st.
    assert new["timezone"] == "America/Los_Angeles" and new["local_date"] == "2026-06-01"
