"""One account's heavy summaries take turns on threads of their own: another user's request does not wait
for them (SPEC §8). Over real HTTP."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.api.middleware.write_gate import LoopSemaphore
from app.core import slow_work
from app.summary.turns import SummaryTurns
from bench.processes import ServerProcess
from tests.factories import bearer, http_client, make_entry, make_token, register, sign_up

# Links are what a summary reads most: since they carry their day (migration 0004) a summary over 30 000
# of them cost ~0.1 s, and the first one answered before the other user's read had been sent.
DAYS = 9_000
GOALS = 20  # as many as an entry may name
SUMMARIES = 10  # more than the threads every request shares (8)


def heavy_account(url: str) -> dict[str, str]:
    """An account whose uncached summary costs ~0.3 s or more: decades of daily entries, each tied to every goal."""
    headers = bearer(sign_up(url))
    goals = [
        {"id": str(uuid.uuid4()), "title": f"goal {index}", "cadence": ("daily", "weekly")[index % 2], "target": 1}
        for index in range(GOALS)
    ]
    start = datetime(1990, 1, 1, 12, tzinfo=UTC)
    entries = [
        {
            "id": str(uuid.uuid4()),
            "occurred_at": (start + timedelta(days=day)).isoformat(),
            "goal_ids": [goal["id"] for goal in goals],
        }
        for day in range(DAYS)
    ]
    document = {"format": "synclog-export", "version": 1, "goals": goals, "entries": entries}
    response = httpx.post(f"{url}/api/v1/import", json=document, headers=headers, timeout=300)
    assert response.status_code == 200, response.text
    return headers


@pytest.mark.slow
def test_heavy_summaries_leave_other_users_a_thread(
    shared_server: ServerProcess, request: pytest.FixtureRequest
) -> None:
    server = shared_server
    if request.node.callspec.params["shared_server"] != "sqlite":
        # PostgreSQL's pool has 24 threads: ten summaries never took them all, so there is nothing to show.
        pytest.skip("the shared pool has more threads than this test's summaries on PostgreSQL")
    heavy, other = heavy_account(server.url), bearer(sign_up(server.url))

    def summary(index: int) -> tuple[int, float]:
        as_of = date(2026, 1, 1) - timedelta(days=index)  # each uncached
        with http_client(server.url, headers=heavy, timeout=600) as client:
            status = client.get("/api/v1/summary", params={"as_of": as_of.isoformat()}).status_code
        return status, time.monotonic()

    with http_client(server.url, headers=other, timeout=600) as client:
        client.get("/api/v1/entries").raise_for_status()  # connected and signed in once, before the load
        with ThreadPoolExecutor(max_workers=SUMMARIES) as pool:
            began = time.monotonic()
            running = [pool.submit(summary, index) for index in range(SUMMARIES)]
            time.sleep(0.3)  # every summary is in the server's hands
            sent = time.monotonic()
            status = client.get("/api/v1/entries").status_code
            read = time.monotonic() - sent
            answers = [future.result() for future in running]

    assert status == 200
    assert [answer[0] for answer in answers] == [200] * SUMMARIES
    # The heavy user's summaries take their turns one after another; the other user's read does not wait
    # for them. Measured: with turns the read took 0.4–2.3 % of the whole run; computed on the shared
    # threads instead, eight summaries at once held every thread and the read waited 11–25 % of it.
    whole = max(answer[1] for answer in answers) - began
    assert read < whole / 20, (read, whole)


def test_summaries_waiting_for_their_callers_turn_hold_no_database_session(
    app: FastAPI, new_client: Callable[[], TestClient]
) -> None:
    heavy_browser, other_browser = new_client(), new_client()
    register(heavy_browser)
    register(other_browser)
    heavy = bearer(make_token(heavy_browser, scopes=("summary:read",)))
    other = bearer(make_token(other_browser, scopes=("entries:read",)))
    # One request session at a time (PostgreSQL's gate, made small): a waiting summary holding it would stall all.
    app.state.session_gate = LoopSemaphore(1)
    turns: SummaryTurns = app.state.summary_turns

    async def scenario() -> tuple[int, list[int]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=60) as asgi:
            async with turns.caller_turn(heavy["Authorization"]):  # the caller's earlier summary, still running
                waiting = [
                    asyncio.create_task(asgi.get("/api/v1/summary", params={"as_of": f"2020-01-0{day}"}, headers=heavy))
                    for day in (1, 2)
                ]
                await asyncio.sleep(0.2)  # both have reached their turn's queue
                assert not any(task.done() for task in waiting)
                # Answered while both summaries wait: neither holds the one session.
                read = await asyncio.wait_for(asgi.get("/api/v1/entries", headers=other), timeout=30)
            answers = await asyncio.gather(*waiting)
        return read.status_code, [answer.status_code for answer in answers]

    # On a thread of its own: a browser test's Playwright may hold this thread's event loop.
    with ThreadPoolExecutor(1) as runner:
        assert runner.submit(asyncio.run, scenario()).result() == (200, [200, 200])


def test_an_uncached_summary_is_computed_in_a_slow_work_process_one_per_user_at_a_time(
    app: FastAPI, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(client)
    make_entry(client, occurred_at="2020-01-01T12:00:00Z")
    headers = bearer(make_token(client, scopes=("summary:read",)))
    computed: list[str] = []
    running = 0
    most = 0
    run = slow_work.run

    async def run_watched(work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        nonlocal running, most
        computed.append(work.__name__)
        running += 1
        most = max(most, running)
        try:
            return await run(work, *args, **kwargs)
        finally:
            running -= 1

    monkeypatch.setattr(slow_work, "run", run_watched)

    async def scenario() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=60) as asgi:
            # Two credentials of one user, so only the user's turn keeps their computations apart.
            other = bearer(await asyncio.to_thread(make_token, client, scopes=("summary:read",)))
            first = await asyncio.gather(
                asgi.get("/api/v1/summary", params={"as_of": "2020-01-02"}, headers=headers),
                asgi.get("/api/v1/summary", params={"as_of": "2020-01-03"}, headers=other),
            )
            again = await asgi.get("/api/v1/summary", params={"as_of": "2020-01-02"}, headers=headers)
        return [*first, again]

    with ThreadPoolExecutor(1) as runner:
        answers = runner.submit(asyncio.run, scenario()).result()

    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert [sum(answer.json()["by_kind"].values()) for answer in answers] == [1, 1, 1]
    assert computed == ["summary_of_key", "summary_of_key"]  # the third was kept
    assert most == 1
