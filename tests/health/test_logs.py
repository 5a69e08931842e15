"""Structured logs of a real ``synclog serve``: JSON lines with request ids and nothing secret."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.servers import start_server

SECRET_NOTE = "my-private-synchronicity-text"
PASSWORD = "correct horse battery staple"


def test_json_logs_carry_request_ids_and_no_secrets(database_url: str, tmp_path: Path) -> None:
    server = start_server(database_url, tmp_path, env={"SYNCLOG_LOG_FORMAT": "json"})
    try:
        with httpx.Client(base_url=server.url) as client:
            client.post(
                "/api/v1/auth/register", json={"email": "ada@example.org", "password": PASSWORD}
            ).raise_for_status()
            cookie = client.cookies["synclog_session"]
            token = client.post("/api/v1/tokens", json={"name": "logs", "scopes": ["entries:write"]}).json()["token"]
            response = client.post(
                "/api/v1/entries",
                json={"note": SECRET_NOTE},
                headers={"Authorization": f"Bearer {token}", "X-Request-ID": "trace-42"},
            )
            assert response.status_code == 201
            assert response.headers["X-Request-ID"] == "trace-42"
            client.get("/api/v1/entries", params={"q": SECRET_NOTE})
    finally:
        server.stop()
    lines = [line for line in server.log().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    requests = [record for record in records if record["logger"] == "synclog.request"]
    created = [record for record in requests if record.get("request_id") == "trace-42"]
    assert created and created[0]["status"] == 201 and created[0]["route"] == "/api/v1/entries"
    assert all(record.get("request_id") for record in requests)
    assert any("Synclog is serving on" in record["message"] for record in records)
    text = server.log()
    for secret in (SECRET_NOTE, PASSWORD, token, cookie, "Bearer"):
        assert secret not in text
