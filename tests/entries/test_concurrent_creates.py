"""Several devices creating the same client-chosen id at once: one creates, none sees a server error."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from bench.processes import ServerProcess
from tests.factories import bearer, http_client, sign_up


def test_racing_puts_create_once(shared_server: ServerProcess) -> None:
    server = shared_server
    headers = bearer(sign_up(server.url, scopes=("entries:write",)))
    ids = [str(uuid.uuid4()) for _ in range(8)]

    def put(entry_id: str) -> int:
        with http_client(server.url, timeout=30, headers=headers) as device:
            return device.put(f"/api/v1/entries/{entry_id}", json={"note": "same moment"}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(put, [entry_id for entry_id in ids for _ in range(4)]))
    for index in range(len(ids)):
        answers = statuses[index * 4 : index * 4 + 4]
        # One creates; the others replace it (200) or, racing the creation itself, hear 409.
        assert answers.count(201) == 1, answers
        assert set(answers) - {201} <= {200, 409}, answers
    assert "Traceback" not in server.log()
