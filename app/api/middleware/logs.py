"""Request ids, logs and metrics: one line per request (text, or JSON with ``SYNCLOG_LOG_FORMAT=json``).

A request line names the method, the route template, the status, the time taken and the
request id (``X-Request-ID``, echoed or generated). It never carries headers, cookies,
tokens, query strings or bodies, so no secret and no entry text reaches the logs. The same
route template counts and times the request in ``/metrics`` (``app.api.middleware.metrics``).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.middleware.metrics import count_request, route_template

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
request_id_var: ContextVar[str | None] = ContextVar("synclog_request_id", default=None)
request_logger = logging.getLogger("synclog.request")
# Attributes every LogRecord has; anything else was passed as ``extra`` and is structured data.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and structured fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id is not None:
            line["request_id"] = request_id
        line.update({key: value for key, value in vars(record).items() if key not in _RECORD_FIELDS})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message [request id]``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        request_id = request_id_var.get()
        line = super().format(record)
        return f"{line} [{request_id}]" if request_id is not None else line


def log_config(log_format: Literal["text", "json"]) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for Synclog and uvicorn (its access log is off: ours replaces it)."""
    formatter = {"()": JsonFormatter} if log_format == "json" else {"()": TextFormatter}
    handler = {"class": "logging.StreamHandler", "formatter": "synclog", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"synclog": formatter},
        "handlers": {"synclog": handler},
        "loggers": {
            "synclog": {"handlers": ["synclog"], "level": "INFO", "propagate": False},
            "uvicorn": {"handlers": ["synclog"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate: str = value.decode("latin-1")
            if _VALID_REQUEST_ID.match(candidate):
                return candidate
    return uuid.uuid4().hex


class RequestLogMiddleware:
    """Gives each request an id (echoed in ``X-Request-ID``); once answered, logs one line and counts it.

    One middleware for both, so a request's route template is worked out once.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            method, route = scope["method"], route_template(scope, status)
            count_request(method, route, status, seconds)
            if request_logger.isEnabledFor(logging.INFO):
                duration_ms = round(seconds * 1000, 1)
                request_logger.info(
                    "%s %s %s %.1fms",
                    method,
                    route,
                    status,
                    duration_ms,
                    extra={"method": method, "route": route, "status": status, "duration_ms": duration_ms},
                )
            request_id_var.reset(token)
