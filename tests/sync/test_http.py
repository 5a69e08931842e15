"""Offline sync over real HTTP: a running ``synclog serve``, several client threads at once."""

from __future__ import annotations

import json
import random
import socket
import threading
import time
import uuid
from typing import Any

import httpx
import pytest

from bench.processes import ServerProcess
from tests.factories import http_client, sign_up

pytestmark = pytest.mark.slow

API = "/api/v1"
WRITERS = 4
STEPS_PER_WRITER = 40


@pytest.fixture
def server(shared_server: ServerProcess) -> ServerProcess:
    """The run's server for this engine: each test signs up an account of its own."""
    return shared_server


def api_client(server: ServerProcess, token: str) -> httpx.Client:
    return http_client(server.url + API, headers={"Authorization": f"Bearer {token}"}, timeout=60)


def server_state(api: httpx.Client) -> dict[tuple[str, str], dict[str, Any]]:
    """Every live goal and entry as the API shows it."""
    state: dict[tuple[str, str], dict[str, Any]] = {}
    for goal in api.get("/goals", params={"status": "all"}).json()["data"]:
        state[("goal", goal["id"])] = goal
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        page = api.get("/entries", params=params).json()
        for entry in page["data"]:
            state[("entry", entry["id"])] = entry
        cursor = page["next_cursor"]
        if cursor is None:
            return state


class Mirror:
    """A client that follows /changes into a local copy, checking the feed's order as it goes."""

    def __init__(self, api: httpx.Client) -> None:
        self.api = api
        self.cursor: str | None = None
        self.objects: dict[tuple[str, str], dict[str, Any]] = {}
        self.versions: dict[tuple[str, str], int] = {}
        self.last_seq = 0

    def pull(self) -> None:
        while True:
            params: dict[str, Any] = {"limit": 7, **({"cursor": self.cursor} if self.cursor else {})}
            response = self.api.get("/changes", params=params)
            assert response.status_code == 200, response.text
            page = response.json()
            for change in page["changes"]:
                assert change["seq"] > self.last_seq, "the feed went back in sequence"
                self.last_seq = change["seq"]
                key = (change["type"], change["id"])
                assert change["version"] >= self.versions.get(key, 0), "an object went back in version"
                self.versions[key] = change["version"]
                if change["deleted"]:
                    self.objects.pop(key, None)
                else:
                    self.objects[key] = change["data"]
            self.cursor = page["next_cursor"]
            if not page["has_more"]:
                return


def write_randomly(server: ServerProcess, token: str, seed: int, failures: list[str]) -> None:
    """One device: creates, edits and deletes goals and entries, sometimes through /sync/push."""
    rng = random.Random(seed)
    goals: list[str] = []
    entries: list[str] = []
    with api_client(server, token) as api:
        for step in range(STEPS_PER_WRITER):
            roll = rng.random()
            if roll < 0.1 or not goals:
                goal_id = str(uuid.uuid4())
                response = api.put(f"/goals/{goal_id}", json={"title": f"goal {seed}.{step}"})
                goals.append(goal_id)
            elif roll < 0.45 or not entries:
                entry_id = str(uuid.uuid4())
                body = {"note": f"entry {seed}.{step}", "goal_ids": rng.sample(goals, k=min(len(goals), 2))}
                response = api.post("/entries", json={"id": entry_id, **body}, headers={"Idempotency-Key": entry_id})
                entries.append(entry_id)
            elif roll < 0.7:
                response = api.patch(f"/entries/{rng.choice(entries)}", json={"intensity": rng.randint(1, 5)})
            elif roll < 0.8:
                response = api.delete(f"/entries/{rng.choice(entries)}")
            elif roll < 0.85:
                response = api.delete(f"/goals/{rng.choice(goals)}")
            else:
                ops = [
                    {
                        "op_id": str(uuid.uuid4()),
                        "method": "PATCH",
                        "type": "entry",
                        "id": rng.choice(entries),
                        "data": {"note": f"pushed {seed}.{step}.{index}"},
                    }
                    for index in range(3)
                ]
                response = api.post("/sync/push", json={"ops": ops})
            # 410 (already deleted) and 422 (a goal deleted meanwhile) are answers, not failures.
            if response.status_code >= 500 or response.status_code in (401, 403, 409, 412):
                failures.append(
                    f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
                )


def test_a_poller_following_changes_during_concurrent_writes_ends_with_the_server_state(server: ServerProcess) -> None:
    token = sign_up(server.url)
    failures: list[str] = []
    done = threading.Event()
    poll_errors: list[BaseException] = []
    with api_client(server, token) as api:
        mirror = Mirror(api)

        def poll() -> None:
            try:
                while not done.is_set():
                    mirror.pull()
            except BaseException as error:  # surfaced below, in the test's own thread
                poll_errors.append(error)

        poller = threading.Thread(target=poll)
        poller.start()
        writers = [
            threading.Thread(target=write_randomly, args=(server, token, seed, failures)) for seed in range(WRITERS)
        ]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        done.set()
        poller.join()
        assert poll_errors == []
        assert failures == []
        mirror.pull()
        state = server_state(api)
        assert mirror.objects == state
        live_entries = [key for key in state if key[0] == "entry"]
        assert sum(1 for key in mirror.objects if key[0] == "entry") == len(live_entries) > 0


def send_and_lose_the_response(
    server: ServerProcess, token: str, method: str, path: str, body: dict[str, Any] | None, key: str
) -> socket.socket:
    """Send a request on a raw connection whose response the caller never reads."""
    payload = b"" if body is None else json.dumps(body).encode()
    head = (
        f"{method} {API}{path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nAuthorization: Bearer {token}\r\n"
        f"Idempotency-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    connection = socket.create_connection(("127.0.0.1", server.port))
    connection.sendall(head.encode() + payload)
    return connection


def retry_until_answered(
    api: httpx.Client, method: str, path: str, body: dict[str, Any] | None, key: str
) -> httpx.Response:
    """The outbox's retry: the same request and key until it is not in flight any more."""
    for _ in range(100):
        response = api.request(method, path, json=body, headers={"Idempotency-Key": key})
        if response.status_code != 409:
            return response
        time.sleep(0.05)
    raise AssertionError("the key stayed in flight")


def wait_for_change(api: httpx.Client, entry_id: str, version: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        changes = api.get("/changes", params={"limit": 1000}).json()["changes"]
        if any(change["id"] == entry_id and change["version"] >= version for change in changes):
            return
        time.sleep(0.05)
    raise AssertionError("the lost request was never applied")


def test_writes_retried_after_a_lost_response_are_applied_once(server: ServerProcess) -> None:
    token = sign_up(server.url)
    with api_client(server, token) as api:
        # POST without a client id: only the key can tell the retry from a new entry.
        lost = send_and_lose_the_response(server, token, "POST", "/entries", {"note": "lost"}, "post-1")
        deadline = time.monotonic() + 30
        while not api.get("/changes").json()["changes"] and time.monotonic() < deadline:
            time.sleep(0.05)
        lost.close()
        retried = retry_until_answered(api, "POST", "/entries", {"note": "lost"}, "post-1")
        assert retried.status_code == 201 and retried.headers["Idempotent-Replayed"] == "true"
        entry_id = retried.json()["id"]
        assert [entry["id"] for entry in api.get("/entries").json()["data"]] == [entry_id]

        lost = send_and_lose_the_response(server, token, "PUT", f"/entries/{entry_id}", {"note": "put"}, "put-1")
        wait_for_change(api, entry_id, 2)
        lost.close()
        retried = retry_until_answered(api, "PUT", f"/entries/{entry_id}", {"note": "put"}, "put-1")
        assert retried.status_code == 200 and retried.headers["Idempotent-Replayed"] == "true"
        assert retried.json()["version"] == 2

        lost = send_and_lose_the_response(server, token, "DELETE", f"/entries/{entry_id}", None, "delete-1")
        wait_for_change(api, entry_id, 3)
        lost.close()
        retried = retry_until_answered(api, "DELETE", f"/entries/{entry_id}", None, "delete-1")
        assert retried.status_code == 204 and retried.headers["Idempotent-Replayed"] == "true"
        changes = api.get("/changes").json()["changes"]
        assert [(change["id"], change["version"], change["deleted"]) for change in changes] == [(entry_id, 3, True)]


def test_two_devices_editing_one_entry_get_412_and_rebase(server: ServerProcess) -> None:
    token = sign_up(server.url)
    with api_client(server, token) as phone, api_client(server, token) as desktop:
        entry = phone.post("/entries", json={"note": "Met Ann at the station"}).json()
        path = f"/entries/{entry['id']}"
        tag = phone.get(path).headers["ETag"]
        assert desktop.get(path).headers["ETag"] == tag == '"1"'
        first = phone.patch(path, json={"meaning": "Trust the timing"}, headers={"If-Match": tag})
        assert first.status_code == 200 and first.headers["ETag"] == '"2"'
        stale = desktop.patch(path, json={"tags": ["ann"]}, headers={"If-Match": tag})
        assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
        current = stale.json()["current"]
        assert current["meaning"] == "Trust the timing"
        rebased = desktop.patch(path, json={"tags": ["ann"]}, headers={"If-Match": f'"{current["version"]}"'})
        assert rebased.status_code == 200
        assert rebased.json()["meaning"] == "Trust the timing" and rebased.json()["tags"] == ["ann"]


def test_concurrent_read_modify_write_loses_no_update(server: ServerProcess) -> None:
    """Several devices each add a tag by PUT with If-Match, rebasing on 412: every tag survives."""
    token = sign_up(server.url)
    with api_client(server, token) as api:
        entry = api.post("/entries", json={"note": "shared"}).json()
    path = f"/entries/{entry['id']}"
    conflicts: list[int] = []

    def add_tag(tag: str) -> None:
        with api_client(server, token) as device:
            current = device.get(path).json()
            for _ in range(50):
                body = {"note": current["note"], "tags": [*current["tags"], tag]}
                response = device.put(path, json=body, headers={"If-Match": f'"{current["version"]}"'})
                if response.status_code == 200:
                    return
                assert response.status_code == 412, response.text
                conflicts.append(1)
                current = response.json()["current"]
            raise AssertionError("never got through")

    devices = [threading.Thread(target=add_tag, args=(f"device-{number}",)) for number in range(5)]
    for device in devices:
        device.start()
    for device in devices:
        device.join()
    with api_client(server, token) as api:
        final = api.get(path).json()
    assert sorted(final["tags"]) == [f"device-{number}" for number in range(5)]
    assert final["version"] == 6


def test_concurrent_requests_with_one_key_write_once(server: ServerProcess) -> None:
    token = sign_up(server.url)
    entry_id = str(uuid.uuid4())
    answers: list[tuple[int, str | None]] = []
    lock = threading.Lock()
    start = threading.Barrier(6)

    def send() -> None:
        with api_client(server, token) as device:
            start.wait()
            response = device.put(f"/entries/{entry_id}", json={"note": "once"}, headers={"Idempotency-Key": "same"})
        with lock:
            answers.append((response.status_code, response.headers.get("Idempotent-Replayed")))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The first one writes; the others wait and replay it, or (PostgreSQL) hear that it is in flight.
    assert sorted(answers, key=str).count((201, None)) == 1, answers
    assert all(answer in ((201, None), (201, "true"), (409, None)) for answer in answers), answers
    with api_client(server, token) as api:
        assert api.get(f"/entries/{entry_id}").json()["version"] == 1
        assert len(api.get("/changes").json()["changes"]) == 1


def test_deleting_a_goal_while_its_entries_are_edited_never_deadlocks(server: ServerProcess) -> None:
    """A goal deletion changes its entries; edits of those entries at the same moment must all get an answer."""
    token = sign_up(server.url)
    failures: list[str] = []
    with api_client(server, token) as api:
        for _ in range(3):
            goal = api.post("/goals", json={"title": "Sea"}).json()
            entry_ids = [
                api.post("/entries", json={"note": str(number), "goal_ids": [goal["id"]]}).json()["id"]
                for number in range(20)
            ]
            start = threading.Barrier(3)

            def delete_goal(goal_id: str = goal["id"], barrier: threading.Barrier = start) -> None:
                with api_client(server, token) as device:
                    barrier.wait()
                    response = device.delete(f"/goals/{goal_id}")
                    if response.status_code != 204:
                        failures.append(f"delete goal: {response.status_code} {response.text}")

            def edit_entries(ids: list[str], barrier: threading.Barrier = start) -> None:
                with api_client(server, token) as device:
                    barrier.wait()
                    for entry_id in ids:
                        response = device.patch(f"/entries/{entry_id}", json={"intensity": 5})
                        if response.status_code != 200:
                            failures.append(f"edit entry: {response.status_code} {response.text}")

            threads = [
                threading.Thread(target=delete_goal),
                threading.Thread(target=edit_entries, args=(list(reversed(entry_ids)),)),
                threading.Thread(target=edit_entries, args=(entry_ids[10:] + entry_ids[:10],)),
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert all(api.get(f"/entries/{entry_id}").json()["goal_ids"] == [] for entry_id in entry_ids)
    assert failures == []
