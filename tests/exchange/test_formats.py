"""CSV and Markdown exports against golden files (``SYNCLOG_UPDATE_GOLDEN=1`` rewrites them)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.entries import service as entries_service
from app.exchange import routes as exchange_routes
from app.goals import service as goals_service
from tests.factories import make_entry, make_goal, register

GOLDEN = Path(__file__).parent / "golden"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (entries_service, goals_service, exchange_routes):
        monkeypatch.setattr(module, "utcnow", lambda: NOW)


def seed_journal(client: TestClient) -> None:
    register(client, display_name="Ada", timezone="Europe/Lisbon")
    client.patch("/api/v1/me", json={"day_start_hour": 4}).raise_for_status()
    sea = make_goal(client, id="00000000-0000-4000-8000-00000000000a", title="Live near the sea", cadence="daily")
    music = make_goal(
        client,
        id="00000000-0000-4000-8000-00000000000b",
        title="Make music",
        description="Play with others",
        status="archived",
    )
    make_entry(
        client,
        id="00000000-0000-4000-8000-000000000001",
        occurred_at="2026-11-20T02:30:00Z",
        kind="thought_then_met",
        inner="Missing *Ann*; wondered how she was",
        note='Thought of Ann, then met her at the harbour; she said "hello, stranger"',
        meaning="Keep in touch\nwith old friends",
        intensity=5,
        tags=["friends", "harbour"],
        people=["Ann", "Ben"],
        goal_ids=[sea["id"], music["id"]],
        place="Lisbon",
        lat=38.7223,
        lon=-9.1393,
    )
    make_entry(
        client,
        id="00000000-0000-4000-8000-000000000002",
        occurred_at="2026-11-21T23:15:00Z",
        timezone="America/New_York",
        kind="number",
        note="11:11 on three clocks",
    )
    make_entry(client, id="00000000-0000-4000-8000-000000000003", occurred_at="2026-11-22T10:00:00Z", note="")
    make_entry(
        client,
        id="00000000-0000-4000-8000-000000000004",
        occurred_at="2026-11-22T11:00:00Z",
        kind="dream",
        note="# Not a heading\n> nor a quote",
    )


@pytest.mark.parametrize(("export_format", "golden"), [("csv", "export.csv"), ("markdown", "export.md")])
def test_export_matches_the_golden_file(
    client: TestClient, frozen_clock: None, export_format: str, golden: str
) -> None:
    seed_journal(client)
    response = client.get("/api/v1/export", params={"format": export_format})
    assert response.status_code == 200
    assert (
        response.headers["content-disposition"] == f'attachment; filename="synclog-2026-11-25.{golden.split(".")[1]}"'
    )
    path = GOLDEN / golden
    if os.environ.get("SYNCLOG_UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_bytes(response.content)
    assert response.content.decode() == path.read_bytes().decode()
