"""Several devices creating the same client-chosen id at once: one creates, none sees a server error."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.servers import start_server

PASSWORD = "correct horse battery"


def test_racing_puts_create_once(database_url: str, tmp_path: Path) -> None:
    server = start_server(database_url, tmp_path)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as owner:
            owner.post("/api/v1/auth/register", json={"email": "race@example.org", "password": PASSWORD})
            token = owner.post("/api/v1/tokens", json={"name": "race", "scopes": ["entries:write"]}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        ids = [str(uuid.uuid4()) for _ in range(8)]

        def put(entry_id: str) -> int:
            with httpx.Client(base_url=server.url, timeout=30, headers=headers) as device:
                return device.put(f"/api/v1/entries/{entry_id}", json={"note": "same moment"}).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(put, [entry_id for entry_id in ids for _ in range(4)]))
        for index in range(len(ids)):
            answers = statuses[index * 4 : index * 4 + 4]
            assert set(answers) <= {200, 201, 409}, answers
            assert answers.count(201) == 1, answers
        assert "Traceback" not in server.log()
    finally:
        server.stop()
