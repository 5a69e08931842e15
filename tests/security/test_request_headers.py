"""SPEC §8 at the socket of a real ``synclog serve``: headers over 16 KiB get 431, a slow sender is dropped,
and no answer names the server software."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from app.cli.http_protocol import MAX_HEADER_BYTES
from bench.processes import ServerProcess as Server
from bench.processes import start_synclog as start_server
from tests.factories import http_client

HEADER_TIMEOUT_SECONDS = 1.5


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # Headers never reach the database: one engine and one server for the module are enough.
    tmp_path = tmp_path_factory.mktemp("headers")
    running = start_server(
        f"sqlite:///{tmp_path / 'synclog.db'}",
        tmp_path,
        env={"SYNCLOG_HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT_SECONDS)},
    )
    yield running
    running.stop()


def _answer(connection: socket.socket) -> bytes:
    connection.settimeout(10)
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def _status_and_problem(answer: bytes) -> tuple[str, dict[str, object]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].decode(), json.loads(body)


def _request_of_exactly(server: Server, size: int) -> bytes:
    """A GET whose request line and headers take ``size`` bytes, the blank line included."""
    head = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nX-Filler: ".encode()
    request = head + b"a" * (size - len(head) - len(b"\r\n\r\n")) + b"\r\n\r\n"
    assert len(request) == size
    return request


def test_headers_of_16_kib_are_served(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port)) as connection:
        connection.sendall(_request_of_exactly(server, MAX_HEADER_BYTES))
        connection.settimeout(10)
        assert connection.recv(65536).startswith(b"HTTP/1.1 200 OK\r\n")


def test_one_byte_more_is_431(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port)) as connection:
        connection.sendall(_request_of_exactly(server, MAX_HEADER_BYTES + 1))
        status, problem = _status_and_problem(_answer(connection))
    assert status == "HTTP/1.1 431 Request Header Fields Too Large"
    assert problem == {
        "type": "https://synclog.app/problems/headers_too_large",
        "title": "Request Header Fields Too Large",
        "status": 431,
        "detail": "Request headers over 16 KiB.",
        "code": "headers_too_large",
    }


def test_a_64_mb_header_is_refused_long_before_it_is_read(server: Server) -> None:
    sent = 0
    with socket.create_connection(("127.0.0.1", server.port)) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Huge: ")
        with pytest.raises(OSError):  # the server closes the connection while the header still streams in
            while sent < 64 * 1024 * 1024:
                connection.sendall(b"a" * 65536)
                sent += 65536
        status, problem = _status_and_problem(_answer(connection))
    assert status == "HTTP/1.1 431 Request Header Fields Too Large"
    assert problem["detail"] == "Request headers over 16 KiB."
    assert sent < 64 * 1024 * 1024
    assert httpx.get(f"{server.url}/healthz").status_code == 200


def test_a_client_sending_its_headers_slowly_is_dropped(server: Server) -> None:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port)) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        with pytest.raises(OSError):
            for number in range(100):  # 30 s at most, far past the deadline
                connection.sendall(f"X-Slow-{number}: 1\r\n".encode())
                time.sleep(0.3)
        dropped_after = time.monotonic() - started
        status, problem = _status_and_problem(_answer(connection))
    assert status == "HTTP/1.1 408 Request Timeout"
    assert problem["code"] == "request_timeout"
    assert HEADER_TIMEOUT_SECONDS <= dropped_after < HEADER_TIMEOUT_SECONDS + 5


def test_a_silent_connection_is_closed_too(server: Server) -> None:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port)) as connection:
        answer = _answer(connection)
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert HEADER_TIMEOUT_SECONDS <= time.monotonic() - started < HEADER_TIMEOUT_SECONDS + 5


def test_kept_alive_requests_each_get_the_full_budget(server: Server) -> None:
    with http_client(server.url) as client:
        for _ in range(3):
            assert client.get("/healthz", headers={"X-Filler": "a" * 15000}).status_code == 200
            time.sleep(HEADER_TIMEOUT_SECONDS / 2)
        created = client.post("/api/v1/auth/login", json={"email": "a@example.org", "password": "x" * 20000})
        assert created.status_code == 422  # a large body is not a large header: it was read and validated


def test_no_answer_names_the_server_software(server: Server) -> None:
    for path in ("/healthz", "/api/v1/me", "/", "/no/such/page"):
        response = httpx.get(f"{server.url}{path}")
        assert "server" not in response.headers, path
