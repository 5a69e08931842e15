"""Two ``synclog serve`` processes installed from the built wheel, sharing PostgreSQL and Redis.

The wheel is built and installed into a fresh virtual environment once per test session,
the way the Dockerfile installs Synclog, and each server runs from a directory outside the
checkout, so it must find its migrations and PWA files in the installed package.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.processes import ServerProcess, free_port, start
from tests.conftest import POSTGRES_URL, empty_database
from tests.factories import another_address, bearer, http_client, sign_up

# One xdist worker runs both, so the wheel is built and installed once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("installed-wheel")]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def installed_synclog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``synclog`` from a wheel of this checkout, installed in a virtual environment of its own.

    Synclog comes only from the wheel; its dependencies are this environment's (a ``.pth`` line names
    them), so the test downloads and unpacks nothing. That line does not run this environment's
    ``.pth`` files, so an editable install of the checkout stays out of sight.
    """
    if not POSTGRES_URL:
        pytest.skip("SYNCLOG_TEST_POSTGRES_URL is not set: several processes share PostgreSQL")
    work = tmp_path_factory.mktemp("installed")
    wheels, venv = work / "wheels", work / "venv"
    pip = [sys.executable, "-m", "pip"]
    subprocess.run([*pip, "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)], check=True, cwd=work)  # noqa: S603
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)  # noqa: S603
    python = venv / "bin" / "python"
    site_packages = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    wheel = next(wheels.glob("synclog-*.whl"))
    # Without PYTHONPATH, which may name the checkout: pip would take its egg-info for an installed Synclog.
    clean = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    install = [*pip, "--python", str(python), "install", "-q", "--no-deps", str(wheel)]
    subprocess.run(install, check=True, cwd=work, env=clean)  # noqa: S603
    # Written after the install, or pip would take this environment's editable Synclog for the wheel's.
    (site_packages / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin" / "synclog"


@pytest.fixture
def shared_database(postgres_database: str) -> str:
    empty_database(postgres_database)
    return postgres_database


def start_installed(synclog: Path, database_url: str, redis_url: str, run_dir: Path) -> ServerProcess:
    """``synclog serve`` of the installed package, run from outside the checkout, once ``/readyz`` answers."""
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(run_dir),
        "SYNCLOG_DATABASE_URL": database_url,
        "SYNCLOG_REDIS_URL": redis_url,
    }
    command = [str(synclog), "serve", "--host", "127.0.0.1", "--port", str(port)]
    return start("synclog", command, port=port, log_dir=run_dir, env=env, ready_path="/readyz", cwd=run_dir)


@pytest.fixture
def two_servers(
    redis_url: str, installed_synclog: Path, shared_database: str, tmp_path: Path
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    first = start_installed(installed_synclog, shared_database, redis_url, tmp_path)
    second = start_installed(installed_synclog, shared_database, redis_url, tmp_path)
    yield first, second
    for server in (first, second):
        server.stop()


def sign_up_on(server: ServerProcess) -> dict[str, str]:
    """A new account's token headers; signed up from a fresh address, as rate limits here are shared through Redis."""
    return bearer(sign_up(server.url, headers=another_address()))


def follow_changes(client: httpx.Client) -> dict[str, dict[str, Any]]:
    """Every object's latest state, following ``/changes`` until ``has_more`` is false."""
    latest: dict[str, dict[str, Any]] = {}
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 50} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/changes", params=params)
        page.raise_for_status()
        body = page.json()
        for change in body["changes"]:
            latest[change["id"]] = change
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return latest


def test_two_replicas_share_one_history(two_servers: tuple[ServerProcess, ServerProcess]) -> None:
    first, second = two_servers
    headers = sign_up_on(first)
    clients = [http_client(server.url, headers=headers, timeout=30) for server in (first, second)]
    try:
        goal = clients[1].post("/api/v1/goals", json={"title": "Live near the sea"}).json()
        written: dict[str, dict[str, Any]] = {}
        for number in range(120):
            replica = clients[number % 2]
            response = replica.post(
                "/api/v1/entries", json={"note": f"entry {number}", "goal_ids": [goal["id"]] if number % 3 else []}
            )
            assert response.status_code == 201, response.text
            written[response.json()["id"]] = response.json()
        for number, entry_id in enumerate(list(written)[:40]):
            replica = clients[(number + 1) % 2]  # change it on the replica that did not create it
            response = replica.patch(
                f"/api/v1/entries/{entry_id}",
                json={"intensity": 5},
                headers={"If-Match": f'"{written[entry_id]["version"]}"'},
            )
            assert response.status_code == 200, response.text
            written[entry_id] = response.json()
        for entry_id in list(written)[40:50]:
            assert clients[0].delete(f"/api/v1/entries/{entry_id}").status_code == 204
            written[entry_id] = {**written[entry_id], "deleted": True}

        seen = [follow_changes(client) for client in clients]
        assert seen[0] == seen[1]
        changes = seen[0]
        assert set(changes) == {goal["id"], *written}
        for entry_id, entry in written.items():
            change = changes[entry_id]
            if entry.get("deleted"):
                assert change["deleted"] and change["data"] is None
            else:
                assert change["data"] == entry
        seqs = sorted(change["seq"] for change in changes.values())
        assert len(set(seqs)) == len(seqs)
    finally:
        for client in clients:
            client.close()


def test_sigterm_during_load_loses_no_acknowledged_write(two_servers: tuple[ServerProcess, ServerProcess]) -> None:
    survivor, stopping = two_servers
    headers = sign_up_on(survivor)
    acknowledged: list[str] = []
    refused = 0
    lock = threading.Lock()
    stop = threading.Event()

    def write_until_stopped() -> None:
        nonlocal refused
        with http_client(stopping.url, headers=headers, timeout=30) as client:
            while not stop.is_set():
                entry_id = str(uuid.uuid4())
                try:
                    response = client.post("/api/v1/entries", json={"id": entry_id, "note": "under load"})
                except httpx.HTTPError:
                    with lock:
                        refused += 1  # never acknowledged: the client would retry elsewhere
                    time.sleep(0.01)
                    continue
                if response.status_code == 201:
                    with lock:
                        acknowledged.append(entry_id)

    writers = [threading.Thread(target=write_until_stopped) for _ in range(8)]
    for writer in writers:
        writer.start()
    try:
        while len(acknowledged) < 100:
            time.sleep(0.01)
        stopping.process.send_signal(signal.SIGTERM)
        # uvicorn re-raises SIGTERM once it has shut down gracefully, so the exit status names the signal.
        assert stopping.process.wait(timeout=40) == -signal.SIGTERM
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    assert refused > 0  # the load was still running when the process stopped
    with http_client(survivor.url, headers=headers, timeout=30) as client:
        stored = set(follow_changes(client))
        missing = set(acknowledged) - stored
        readable = {entry_id: client.get(f"/api/v1/entries/{entry_id}").status_code for entry_id in missing}
    assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged writes missing from /changes: {readable}"
    log = stopping.log()
    assert "Finished server process" in log  # a graceful exit, not a kill
    print(f"acknowledged {len(acknowledged)}, refused after SIGTERM {refused}, lost {len(missing)}")
