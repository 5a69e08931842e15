"""The HTTP/1.1 protocol ``synclog serve`` runs: uvicorn's httptools protocol with bounds on request headers.

SPEC §8: a request's line and headers together may take at most 16 KiB (431 beyond), counted
as the bytes arrive, before the parser keeps any of them; and they must arrive within
``SYNCLOG_HEADER_TIMEOUT_SECONDS`` of the request's first byte (or of the connection's
opening), else the client gets a 408 and is disconnected. An idle kept-alive connection is
closed by uvicorn's own keep-alive timeout.
"""

from __future__ import annotations

import asyncio
import functools
import json
from http import HTTPStatus
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from app.api.middleware.security_headers import EVERY_RESPONSE_HEADERS
from app.api.problems import PROBLEM_JSON, problem_body
from app.core.errors import ProblemCode
from app.core.settings import load_settings

MAX_HEADER_BYTES = 16 * 1024
_END_OF_HEADERS = b"\r\n\r\n"


@functools.cache
def header_timeout_seconds() -> float:
    """Read once per process (each worker is its own process, started with the same environment)."""
    return load_settings().header_timeout_seconds


class BoundedHeadersProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing request headers that are too large or too slow."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._reading_headers = True
        self._header_bytes = 0
        self._tail = b""  # the last bytes seen, for an end of headers split across two reads
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._reading_headers:
            if self._header_deadline is None:  # the first byte of the next request on a kept-alive connection
                self._arm_header_deadline()
            seen = self._tail + data
            end = seen.find(_END_OF_HEADERS)
            arrived = len(data) if end < 0 else end + len(_END_OF_HEADERS) - len(self._tail)
            if self._header_bytes + arrived > MAX_HEADER_BYTES:
                self._refuse(
                    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large", "Request headers over 16 KiB."
                )
                return
            self._header_bytes += arrived
            self._tail = seen[-(len(_END_OF_HEADERS) - 1) :]
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._reading_headers = False
        self._header_bytes = 0
        self._tail = b""
        self._disarm_header_deadline()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._reading_headers = True

    def _arm_header_deadline(self) -> None:
        self._header_deadline = self.loop.call_later(header_timeout_seconds(), self._headers_too_slow)

    def _disarm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self._reading_headers and not self.transport.is_closing():
            self._refuse(HTTPStatus.REQUEST_TIMEOUT, "request_timeout", "The request headers came too slowly.")

    def _refuse(self, status: HTTPStatus, code: ProblemCode, detail: str) -> None:
        """Answer a problem+json and close the connection, before any application code has run."""
        self._disarm_header_deadline()
        self._reading_headers = False
        body = json.dumps(problem_body(status, code, detail)).encode()
        headers = [
            *self.server_state.default_headers,
            *((name.encode(), value.encode()) for name, value in EVERY_RESPONSE_HEADERS.items()),
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        head = f"HTTP/1.1 {status.value} {status.phrase}\r\n".encode()
        self.transport.write(
            head + b"".join(name + b": " + value + b"\r\n" for name, value in headers) + b"\r\n" + body
        )
        self.transport.close()
