"""ETags and conditional requests of goals and entries: ``If-Match`` and ``If-None-Match`` as domain values.

An object's ETag is its version in quotes (``"3"``); a weak tag (``W/"3"``) compares too.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from fastapi import Response, status
from pydantic import BaseModel

from app.core.synced import ExpectedVersion

Public = TypeVar("Public", bound=BaseModel)
_TAG = re.compile(r'"(0|[1-9][0-9]*)"')


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(header: str | None) -> ExpectedVersion | None:
    """What an ``If-Match`` header (a list of tags, or ``*``) lets a write apply to; ``None`` without one."""
    if header is None:
        return None
    versions: set[int] = set()
    for candidate in header.split(","):
        tag = candidate.strip()
        if tag == "*":
            return ExpectedVersion(any_version=True)
        match = _TAG.fullmatch(tag.removeprefix("W/"))
        if match is not None:
            versions.add(int(match.group(1)))
    return ExpectedVersion(frozenset(versions))


def only_if_new(if_none_match: str | None) -> bool:
    """``If-None-Match: *`` on a write: create, never replace."""
    return if_none_match is not None and if_none_match.strip() == "*"


def conditional_read(response: Response, if_none_match: str | None, public: Public, version: int) -> Public | Response:
    """A read's answer: 304 when ``If-None-Match`` names the object's ``version``, else ``public`` with its ETag."""
    expected = expected_version(if_none_match)
    if expected is not None and expected.admits(version):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag(version)})
    response.headers["ETag"] = etag(version)
    return public


def merge_patch_body(schema: str) -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of a ``PATCH`` taking ``application/merge-patch+json`` of ``schema``."""
    return {
        "requestBody": {
            "content": {"application/merge-patch+json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
        }
    }
