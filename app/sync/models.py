"""Offline sync: the changes feed and batch push."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, SerializeAsAny, StrictInt

from app.core.bodies import StrictBody
from app.entries.models import EntryPublic
from app.goals.models import GoalPublic
from app.pauses.models import PausePublic

OP_ID_PATTERN = r"^[!-~]{1,255}$"
MAX_PUSH_OPS = 200


class Change(BaseModel):
    """One object's latest state in the changes feed; ``data`` is null for a tombstone."""

    type: Literal["goal", "entry", "pause"]
    id: uuid.UUID
    seq: int
    version: int
    deleted: bool
    # Written as the model it holds: pydantic's choosing among the union's models cost 1.1 ms a page of 500.
    data: SerializeAsAny[GoalPublic | EntryPublic | PausePublic | None]


class ChangesPage(BaseModel):
    changes: list[Change]
    next_cursor: str = Field(description="Resumes after the last change returned; at the end, the cursor to poll with.")
    has_more: bool = Field(description="Whether more changes follow `next_cursor` right now.")


class PushOp(StrictBody):
    """One queued write, applied as ``METHOD /{type}s/{id}`` with ``Idempotency-Key: op_id`` would be."""

    op_id: str = Field(pattern=OP_ID_PATTERN, description="The op's Idempotency-Key: 1–255 visible ASCII.")
    method: Literal["PUT", "PATCH", "DELETE"]
    type: Literal["goal", "entry", "pause"]
    id: uuid.UUID
    if_match: Annotated[StrictInt, Field(ge=0)] | Annotated[str, Field(max_length=200)] | None = Field(
        default=None,
        description='As the If-Match header (`"3"`, `"1", "2"` or `*`; a weak tag never matches), or the version'
        " as an integer. Any other string fails the op with 400 `bad_request`.",
    )
    data: dict[str, Any] | None = Field(
        default=None, description="The request body: full for PUT, a merge patch for PATCH."
    )


class PushRequest(StrictBody):
    ops: list[PushOp] = Field(max_length=MAX_PUSH_OPS, description=f"At most {MAX_PUSH_OPS} ops, applied in order.")


class PushResult(BaseModel):
    """What one op got: its status, and the object's new version and change number or the problem body.

    Absent members are left out of the answer (the route serializes with ``exclude_none``).
    """

    op_id: str
    status: int = Field(description="The status the single request would have answered.")
    version: int | None = Field(default=None, description="The object's version after a successful op.")
    seq: int | None = Field(default=None, description="The change number this op took; absent when replayed.")
    error: dict[str, Any] | None = Field(default=None, description="The problem body of a failed op.")


class PushResponse(BaseModel):
    results: list[PushResult]
