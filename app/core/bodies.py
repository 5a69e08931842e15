"""Request bodies: the strict base every body extends, and RFC 7396 merge patches of stored objects."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, model_validator

from app.core.json_numbers import reject_booleans_as_numbers

READ_ONLY_FIELDS = ("id", "local_date", "source", "version", "created_at", "updated_at", "deleted_at", "seq")
Replace = TypeVar("Replace", bound=BaseModel)


class StrictBody(BaseModel):
    """A request body that rejects unknown fields, ``true``/``false`` where a number is due, and names
    the read-only fields it lists (a stored object's, for the bodies of goal and entry writes)."""

    model_config = ConfigDict(extra="forbid")
    read_only_fields: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _strict(cls, data: Any) -> Any:
        data = reject_booleans_as_numbers(cls, data)
        if isinstance(data, dict):
            for name in cls.read_only_fields:
                if name in data and name not in cls.model_fields:
                    raise ValueError(f"{name} is read-only")
        return data


class WriteBody(StrictBody):
    """The body of a goal or entry write."""

    read_only_fields = READ_ONLY_FIELDS


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


def patched(current: BaseModel, patch: BaseModel, replace: type[Replace]) -> Replace:
    """The full body (``replace``) that ``patch`` makes of the stored object's public values ``current``.

    Raises pydantic's ``ValidationError`` when the result is not a valid object (a 422 for the client).
    """
    writable = current.model_dump(mode="json", include=set(replace.model_fields))
    return replace.model_validate(merge_patch(writable, patch.model_dump(mode="json", exclude_unset=True)))
