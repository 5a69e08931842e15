"""Structured logs of a real ``synclog serve``: JSON lines with request ids and nothing secret."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from bench.processes import ServerProcess
from tests.factories import PASSWORD, http_client, make_token, register

SECRET_NOTE = "my-private-synchronicity-text"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the log lines do not depend on the engine
def test_json_logs_carry_request_ids_and_no_secrets(
    database_url: str, start_server: Callable[..., ServerProcess]
) -> None:
    server = start_server(database_url, env={"SYNCLOG_LOG_FORMAT": "json"})
    with http_client(server.url) as client:
        register(client)
        cookie = client.cookies["synclog_session"]
        token = make_token(client, scopes=("entries:write",), name="logs")
        response = client.post(
            "/api/v1/entries",
            json={"note": SECRET_NOTE},
            headers={"Authorization": f"Bearer {token}", "X-Request-ID": "trace-42"},
        )
        assert response.status_code == 201
        assert response.headers["X-Request-ID"] == "trace-42"
        client.get("/api/v1/entries", params={"q": SECRET_NOTE})
    server.stop()  # every line written
    lines = [line for line in server.log().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    requests = [record for record in records if record["logger"] == "synclog.request"]
    created = [record for record in requests if record.get("request_id") == "trace-42"]
    assert [(record["status"], record["route"]) for record in created] == [(201, "/api/v1/entries")]
    assert all(record.get("request_id") for record in requests)
    assert any("Synclog is serving on" in record["message"] for record in records)
    text = server.log()
    for secret in (SECRET_NOTE, PASSWORD, token, cookie, "Bearer"):
        assert secret not in text
