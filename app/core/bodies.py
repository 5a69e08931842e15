"""Request bodies: the strict base every body extends, and RFC 7396 merge patches of stored objects."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from app.core.json_numbers import reject_booleans_as_numbers

NUL = "\x00"
READ_ONLY_FIELDS = ("id", "local_date", "source", "version", "created_at", "updated_at", "deleted_at", "seq")
Replace = TypeVar("Replace", bound=BaseModel)


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def optional_member(description: str) -> Any:
    """The ``Field`` of a member that may be absent (typed ``X | SkipJsonSchema[None]``): the JSON schema
    shows it as optional, never as null."""
    return Field(default=None, description=description, json_schema_extra=_without_default)


class StrictBody(BaseModel):
    """A request body that rejects unknown fields, ``true``/``false`` where a number is due, and names
    the read-only fields it lists (a stored object's, for the bodies of goal, entry and pause writes)."""

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

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL cannot store U+0000: refused on both engines, in the field that carries it.
        return refuse_nul(value)


class WriteBody(StrictBody):
    """The body of a goal, entry or pause write."""

    read_only_fields = READ_ONLY_FIELDS


def contains_nul(value: Any) -> bool:
    """Whether a text, or a list of texts, contains U+0000 (a dict is an op's body, checked as that body)."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


def refuse_nul(value: Any) -> Any:
    """``value`` unchanged; ``ValueError`` (a 422 naming the field or parameter) when it contains U+0000."""
    if contains_nul(value):
        raise ValueError("must not contain U+0000 (NUL)")
    return value


# A text query parameter: refused, like every body's text, when it contains U+0000.
QueryText = Annotated[str, AfterValidator(refuse_nul)]


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
