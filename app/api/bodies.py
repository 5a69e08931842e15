"""Rules shared by every write body: read-only fields, merge patches, ``If-Match`` preconditions."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, model_validator

from app.core.errors import PreconditionFailed
from app.core.json_numbers import reject_booleans_as_numbers

READ_ONLY_FIELDS = ("id", "local_date", "source", "version", "created_at", "updated_at", "deleted_at", "seq")


class WriteBody(BaseModel):
    """A request body that rejects unknown fields and names read-only ones."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _reject_read_only(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name in READ_ONLY_FIELDS:
                if name in data and name not in cls.model_fields:
                    raise ValueError(f"{name} is read-only")
        return data

    @model_validator(mode="before")
    @classmethod
    def _numbers_are_numbers(cls, data: Any) -> Any:
        return reject_booleans_as_numbers(cls, data)


def merge_patch(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """RFC 7396 JSON merge patch: ``null`` removes a member, objects merge, anything else replaces."""
    merged = dict(target)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_patch(merged[key], value)
        else:
            merged[key] = value
    return merged


def etag(version: int) -> str:
    return f'"{version}"'


def etag_matches(header: str, version: int) -> bool:
    """Whether an ``If-Match`` / ``If-None-Match`` value names ``version`` (weak tags compare too)."""
    for candidate in header.split(","):
        tag = candidate.strip()
        if tag == "*":
            return True
        if tag.removeprefix("W/") == etag(version):
            return True
    return False


def require_match(if_match: str | None, version: int, current: Callable[[], Mapping[str, Any]]) -> None:
    """Raise 412 with the current object when ``If-Match`` names another version."""
    if if_match is not None and not etag_matches(if_match, version):
        raise PreconditionFailed(
            f"The object is at version {version}; rebase your change on it.",
            extra={"current": dict(current())},
        )


def item_location(request: Request, item_id: uuid.UUID) -> str:
    """The ``Location`` of an item created by ``POST`` to its collection or ``PUT`` to its own URL."""
    path = request.url.path.rstrip("/")
    collection = path if request.method == "POST" else path.rsplit("/", 1)[0]
    return str(request.url.replace(path=f"{collection}/{item_id}", query=""))
