"""Offline sync: the changes feed and batch push."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, RootModel, SerializeAsAny, StrictInt, WithJsonSchema

from app.core.bodies import StrictBody
from app.entries.models import EntryPublic
from app.goals.models import GoalPublic
from app.pauses.models import PausePublic

OP_ID_PATTERN = r"^[!-~]{1,255}$"
MAX_PUSH_OPS = 200


class GoalChange(BaseModel):
    """A goal's latest state in the changes feed; ``data`` is null for a tombstone."""

    type: Literal["goal"]
    id: uuid.UUID
    seq: int
    version: int
    deleted: bool
    data: GoalPublic | None


class EntryChange(BaseModel):
    """An entry's latest state in the changes feed; ``data`` is null for a tombstone."""

    type: Literal["entry"]
    id: uuid.UUID
    seq: int
    version: int
    deleted: bool
    data: EntryPublic | None


class PauseChange(BaseModel):
    """A pause's latest state in the changes feed; ``data`` is null for a tombstone."""

    type: Literal["pause"]
    id: uuid.UUID
    seq: int
    version: int
    deleted: bool
    data: PausePublic | None


# Written as the model it holds: pydantic's serializer of a union, even a tagged one, took twice as long.
class Change(RootModel[SerializeAsAny[Annotated[GoalChange | EntryChange | PauseChange, Field(discriminator="type")]]]):
    """One object's latest state in the changes feed: ``type`` says which kind of object ``data`` holds."""


class ChangesPage(BaseModel):
    changes: list[Change]
    next_cursor: str = Field(description="Resumes after the last change returned; at the end, the cursor to poll with.")
    has_more: bool = Field(description="Whether more changes follow `next_cursor` right now.")


def _data_schema(kind: str) -> dict[str, Any]:
    bodies = [{"$ref": f"#/components/schemas/{kind}{body}"} for body in ("Replace", "Patch")]
    return {
        "anyOf": [*bodies, {"type": "null"}],
        "description": f"The request body: `{kind}Replace` for PUT, a merge patch (`{kind}Patch`) for PATCH.",
    }


class _PushOpFields(StrictBody):
    op_id: str = Field(pattern=OP_ID_PATTERN, description="The op's Idempotency-Key: 1–255 visible ASCII.")
    method: Literal["PUT", "PATCH", "DELETE"]
    id: uuid.UUID
    if_match: Annotated[StrictInt, Field(ge=0)] | Annotated[str, Field(max_length=200)] | None = Field(
        default=None,
        description='As the If-Match header (`"3"`, `"1", "2"` or `*`; a weak tag never matches), or the version'
        " as an integer. Any other string fails the op with 400 `bad_request`.",
    )


# An op's ``data`` is any object at validation (a bad one fails its op alone, as its single request would
# fail), documented as the body of the single request the op stands for.
GoalData = Annotated[dict[str, Any] | None, WithJsonSchema(_data_schema("Goal"))]
EntryData = Annotated[dict[str, Any] | None, WithJsonSchema(_data_schema("Entry"))]
PauseData = Annotated[dict[str, Any] | None, WithJsonSchema(_data_schema("Pause"))]


class GoalOp(_PushOpFields):
    """A queued write of a goal: ``METHOD /goals/{id}``."""

    type: Literal["goal"]
    data: GoalData = None


class EntryOp(_PushOpFields):
    """A queued write of an entry: ``METHOD /entries/{id}``."""

    type: Literal["entry"]
    data: EntryData = None


class PauseOp(_PushOpFields):
    """A queued write of a pause: ``METHOD /pauses/{id}``."""

    type: Literal["pause"]
    data: PauseData = None


class PushOp(RootModel[Annotated[GoalOp | EntryOp | PauseOp, Field(discriminator="type")]]):
    """One queued write, applied as ``METHOD /{type}s/{id}`` with ``Idempotency-Key: op_id`` would be."""


class PushRequest(StrictBody):
    ops: list[PushOp] = Field(max_length=MAX_PUSH_OPS, description=f"At most {MAX_PUSH_OPS} ops, applied in order.")


# Built by the route as the single request's problem body would be (``app.api.problems``), documented as it.
ProblemData = Annotated[
    dict[str, Any] | None,
    WithJsonSchema({"anyOf": [{"$ref": "#/components/schemas/Problem"}, {"type": "null"}]}),
]


class PushResult(BaseModel):
    """What one op got: its status, and the object's new version and change number or the problem body.

    Absent members are left out of the answer (the route serializes with ``exclude_none``).
    """

    op_id: str
    status: int = Field(description="The status the single request would have answered.")
    version: int | None = Field(default=None, description="The object's version after a successful op.")
    seq: int | None = Field(default=None, description="The change number this op took; absent when replayed.")
    error: ProblemData = Field(default=None, description="The problem body of a failed op.")


class PushResponse(BaseModel):
    results: list[PushResult]
