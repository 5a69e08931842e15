"""Property: ``GET /insights`` equals the plain computation of ``naive.py`` over random logs."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.entries.models import KINDS
from tests.factories import make_goal, register
from tests.insights.naive import LoggedEntry, naive_insights

FIRST, LAST = date(2026, 1, 1), date(2026, 3, 31)
TEXTS = ["", "11:11", "333", "2026", "12", "10:01 and 3:33", "1234", "22:22", "saw 1111"]
entry = st.builds(
    LoggedEntry,
    # Half the entries fall in one week of February, so that logs have bursts.
    day=st.one_of(st.integers(-10, 100), st.integers(40, 46)).map(lambda offset: FIRST + timedelta(days=offset)),
    hour=st.integers(0, 23),
    kind=st.sampled_from(KINDS),
    people=st.lists(st.sampled_from(["Ann", "Ben", "Zoë", "ann"]), max_size=3),
    tags=st.lists(st.sampled_from(["sea", "Sea", "moon", "café", "444"]), max_size=3),
    inner=st.sampled_from(TEXTS),
    note=st.sampled_from(TEXTS),
    goals=st.lists(st.integers(0, 1), max_size=2),
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    log=st.lists(entry, min_size=12, max_size=50),
    week_start=st.sampled_from(["monday", "sunday"]),
    clipped=st.tuples(st.integers(0, 30), st.integers(0, 30)),
)
def test_insights_equal_the_naive_computation(
    client: TestClient, log: list[LoggedEntry], week_start: str, clipped: tuple[int, int]
) -> None:
    register(client, timezone="UTC")
    client.patch("/api/v1/me", json={"week_start": week_start}).raise_for_status()
    goals = [make_goal(client, title=title) for title in ("Sea", "Music")]
    document = {
        "format": "synclog-export",
        "version": 1,
        "entries": [
            {
                "id": str(uuid.uuid4()),
                "occurred_at": f"{logged.day.isoformat()}T{logged.hour:02}:30:00Z",
                "timezone": "UTC",
                "kind": logged.kind,
                "people": logged.people,
                "tags": logged.tags,
                "inner": logged.inner,
                "note": logged.note,
                "goal_ids": [goals[index]["id"] for index in logged.goals],
            }
            for logged in log
        ],
    }
    imported = client.post("/api/v1/import", content=json.dumps(document), headers={"Content-Type": "application/json"})
    assert imported.status_code == 200, imported.text
    first, last = FIRST + timedelta(days=clipped[0]), LAST - timedelta(days=clipped[1])
    response = client.get("/api/v1/insights", params={"from": first.isoformat(), "to": last.isoformat()})
    assert response.status_code == 200, response.text
    titles = [(goal["id"], goal["title"]) for goal in goals]
    assert response.json() == naive_insights(log, first=first, last=last, week_start=week_start, goals=titles)
