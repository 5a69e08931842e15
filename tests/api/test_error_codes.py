"""Every problem ``code`` the server answers is in the API guide's table of errors (docs/api.md), with its status."""

from __future__ import annotations

import re
from pathlib import Path

from app.core.errors import ProblemError

API_GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
# Answered outside the domain errors: by the HTTP layer before any route runs (``app.cli.http_protocol``),
# by the media-type middleware, and by routing.
PROTOCOL_CODES = {(408, "request_timeout"), (431, "headers_too_large"), (415, "unsupported_media_type")}
ROUTING_CODES = {(405, "method_not_allowed")}


def documented() -> set[tuple[int, str]]:
    rows = re.findall(r"^\| (\d{3}) \| `([a-z_]+)` \|", API_GUIDE.read_text(), flags=re.MULTILINE)
    return {(int(status), code) for status, code in rows}


def domain_codes() -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    waiting: list[type[ProblemError]] = [ProblemError]
    while waiting:
        kind = waiting.pop()
        found.add((kind.status, kind.code))
        waiting.extend(kind.__subclasses__())
    return found


def test_every_code_the_server_answers_is_documented() -> None:
    assert (domain_codes() | PROTOCOL_CODES | ROUTING_CODES) - documented() == set()
