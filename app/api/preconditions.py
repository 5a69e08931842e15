"""ETags and conditional requests of goals, entries and pauses: ``If-Match`` and ``If-None-Match`` as domain values.

An object's ETag is its version in quotes (``"3"``). Following RFC 9110 §13.1, ``If-Match`` compares
strongly (a weak tag such as ``W/"3"`` never matches, so the write answers 412) and ``If-None-Match``
weakly (``W/"3"`` and ``"3"`` both match version 3). Either header is ``*`` or a comma-separated list
of entity tags; anything else (``3`` unquoted, ``"3`` unterminated) is 400 ``bad_request`` naming the
header, never a 412.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Response, status
from pydantic import BaseModel

from app.core.errors import BadRequest
from app.core.synced import ExpectedVersion

Public = TypeVar("Public", bound=BaseModel)
# RFC 9110 §8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text.
_ENTITY_TAG = re.compile(r'[ \t]*(W/)?"([\x21\x23-\x7e\x80-\xff]*)"[ \t]*')
_SEPARATOR = re.compile(r"[ \t]*,[ \t]*")
_VERSION = re.compile(r"0|[1-9][0-9]{0,17}")


@dataclass(frozen=True, slots=True)
class EntityTag:
    """One tag of a precondition: its opaque value (without quotes) and whether it was weak."""

    opaque: str
    weak: bool = False

    def version(self) -> int | None:
        """The object version this tag names, ``None`` when it names none (then it never matches)."""
        return int(self.opaque) if _VERSION.fullmatch(self.opaque) else None


def etag(version: int) -> str:
    return f'"{version}"'


def entity_tags(value: str, header: str) -> list[EntityTag] | None:
    """The tags of a precondition header's ``value`` (``None`` for ``*``); 400 naming ``header`` when malformed."""
    if value.strip() == "*":
        return None
    tags: list[EntityTag] = []
    position, separated = 0, True
    while position < len(value):
        separator = _SEPARATOR.match(value, position)
        if separator is not None:  # RFC 9110 §5.6.1: empty list elements are ignored
            position, separated = separator.end(), True
            continue
        tag = _ENTITY_TAG.match(value, position)
        if tag is None or not separated:
            break
        separated = False
        tags.append(EntityTag(tag.group(2), weak=tag.group(1) is not None))
        position = tag.end()
    if position < len(value) or not tags:
        raise BadRequest(
            f'{header} must be * or quoted entity tags such as "3" (got {value[:100]!r}).',
            extra={"header": header},
        )
    return tags


def expected_version(header: str | int | None, name: str = "If-Match") -> ExpectedVersion | None:
    """What an ``If-Match`` value lets a write apply to (strong comparison); ``None`` without one.

    ``header`` is the header's text, or (a push op's ``if_match``) the version as an integer.
    Raises ``BadRequest`` naming ``name`` when the text is not ``*`` or a list of entity tags.
    """
    if header is None:
        return None
    if isinstance(header, int):
        return ExpectedVersion(frozenset({header}))
    tags = entity_tags(header, name)
    if tags is None:
        return ExpectedVersion(any_version=True)
    versions = (tag.version() for tag in tags if not tag.weak)
    return ExpectedVersion(frozenset(version for version in versions if version is not None))


def only_if_new(if_none_match: str | None) -> bool:
    """``If-None-Match: *`` on a write: create, never replace. Raises ``BadRequest`` when malformed."""
    return if_none_match is not None and entity_tags(if_none_match, "If-None-Match") is None


def conditional_read(response: Response, if_none_match: str | None, public: Public, version: int) -> Public | Response:
    """A read's answer: 304 when ``If-None-Match`` names ``version`` (weakly), else ``public`` with its ETag.

    Raises ``BadRequest`` when ``If-None-Match`` is malformed.
    """
    if if_none_match is not None:
        tags = entity_tags(if_none_match, "If-None-Match")
        if tags is None or any(tag.version() == version for tag in tags):
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
