"""Slow work before a write holds no write slot (SPEC §8): an import's parsing and checks, and Argon2 for
sign-in, ``/me/password`` and ``DELETE /me``, both in the slow-work processes. Over real HTTP: another
user's write answers while they run."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bench.processes import ServerProcess, start_synclog
from tests.factories import PASSWORD, bearer, http_client, register, sign_up

IMPORT_ENTRIES = 20_000


class Timed:
    """When each of a stream of writes started and answered, on this machine's monotonic clock."""

    def __init__(self) -> None:
        self.spans: list[tuple[float, float, int]] = []

    def write_until(self, done: threading.Event, url: str, headers: dict[str, str]) -> None:
        with http_client(url, headers=headers, timeout=120) as client:
            while not done.is_set():
                started = time.monotonic()
                status = client.post("/api/v1/entries", json={"note": "meanwhile"}).status_code
                self.spans.append((started, time.monotonic(), status))

    def longest(self) -> float:
        return max(answered - started for started, answered, _ in self.spans)


def an_import(bad_last_row: bool) -> bytes:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    entries: list[dict[str, object]] = [
        {"id": str(uuid.uuid4()), "occurred_at": (start + timedelta(minutes=index)).isoformat(), "note": f"{index}"}
        for index in range(IMPORT_ENTRIES)
    ]
    if bad_last_row:
        entries[-1]["intensity"] = 9
    return json.dumps({"format": "synclog-export", "version": 1, "goals": [], "entries": entries}).encode()


@pytest.mark.slow
def test_an_import_is_parsed_and_checked_outside_the_write_slot(shared_server: ServerProcess) -> None:
    server = shared_server
    importer, other = bearer(sign_up(server.url)), bearer(sign_up(server.url))
    writes, done = Timed(), threading.Event()
    writer = threading.Thread(target=writes.write_until, args=(done, server.url, other))
    writer.start()
    try:
        with http_client(server.url, timeout=300) as client:
            sent = time.monotonic()
            response = client.post(
                "/api/v1/import",
                content=an_import(bad_last_row=True),
                headers={**importer, "Content-Type": "application/json"},
            )
            answered = time.monotonic()
    finally:
        done.set()
        writer.join()

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["row"] == f"entries[{IMPORT_ENTRIES - 1}]"
    assert {status for _, _, status in writes.spans} == {201}
    # Queued behind the import, a write would wait about as long as the import takes; scale-free,
    # as both slow down alike on a busy machine (a pause of the garbage collector delays both).
    assert writes.longest() < (answered - sent) / 2


@pytest.fixture
def hashing_server(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    """``synclog serve`` with its real Argon2 (about half a second of CPU a password)."""
    server = start_synclog(database_url, tmp_path)
    yield server
    server.stop()


@pytest.mark.slow
@pytest.mark.real_password_hashing
def test_password_checks_hold_no_write_slot(hashing_server: ServerProcess) -> None:
    server = hashing_server
    accounts = []
    for _ in range(4):
        client = http_client(server.url, timeout=120)
        accounts.append((client, register(client)["email"]))
    other = bearer(sign_up(server.url))

    def login(account: int) -> Callable[[], httpx.Response]:
        client, email = accounts[account]
        return lambda: client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})

    # As many checks as the threads every request shares (8): none may hold a shared thread either.
    checks: list[Callable[[], httpx.Response]] = [
        *(login(index % 2) for index in range(6)),
        lambda: accounts[2][0].post(
            "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "another long one"}
        ),
        lambda: accounts[3][0].request("DELETE", "/api/v1/me", json={"password": PASSWORD}),
    ]

    def timed(check: Callable[[], httpx.Response]) -> tuple[int, float]:
        status = check().status_code
        return status, time.monotonic()

    with ThreadPoolExecutor(max_workers=len(checks)) as pool:
        running = [pool.submit(timed, check) for check in checks]
        time.sleep(0.3)  # every check is in the server's hands
        started = time.monotonic()
        with http_client(server.url, headers=other, timeout=120) as writer:
            status = writer.post("/api/v1/entries", json={"note": "meanwhile"}).status_code
        written = time.monotonic()
        answers = [future.result() for future in running]
    for client, _ in accounts:
        client.close()

    assert status == 201
    assert [answer[0] for answer in answers] == [200] * 6 + [204, 204]
    # Queued behind them it would answer after all eight; it answers before most of them have.
    answered = sorted(answer[1] for answer in answers)
    assert started < written < answered[len(answered) // 2]
