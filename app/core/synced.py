"""Goals, entries and pauses, the synced objects: each owned by one user, versioned (``ETag``), numbered in the
user's change sequence, and left as a tombstone when deleted. What a write expects to find
(``If-Match``, as ``ExpectedVersion``), finds (``Stored``) and leaves behind (``Written``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Row

from app.core.errors import Gone, NotFound, PreconditionFailed

Public = TypeVar("Public", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class ExpectedVersion:
    """The versions a write may apply to: any of ``versions``, or, with ``any_version``, whichever is stored."""

    versions: frozenset[int] = frozenset()
    any_version: bool = False

    def admits(self, version: int) -> bool:
        return self.any_version or version in self.versions


def check_version(expected: ExpectedVersion | None, version: int, current: Callable[[], BaseModel]) -> None:
    """Raise 412 with the stored object (``current``) when the write expects another version."""
    if expected is not None and not expected.admits(version):
        raise PreconditionFailed(
            f"The object is at version {version}; rebase your change on it.",
            extra={"current": current().model_dump(mode="json")},
        )


@dataclass(frozen=True, slots=True)
class Written(Generic[Public]):
    """A synced object as a write left it: its public JSON, byte for byte what the API answers for it (``None`` once
    deleted; an entry's is its stored ``public_json``), version and change number. ``Public`` names its model."""

    id: uuid.UUID
    version: int
    seq: int
    public_json: str | None
    created: bool = False


@dataclass(frozen=True, slots=True)
class Stored(Generic[Public]):
    """A synced object as stored (live or a tombstone): its public values, owner, version and change number."""

    public: Public
    user_id: uuid.UUID
    version: int
    seq: int
    deleted: bool

    @staticmethod
    def of(public: Public, row: Row[Any]) -> Stored[Public]:
        """From the object's public values and its row (``version``, ``user_id``, ``seq``, ``deleted_at`` by name)."""
        return Stored(public, user_id=row.user_id, version=row.version, seq=row.seq, deleted=row.deleted_at is not None)


def owned(stored: Stored[Public] | None, *, user_id: uuid.UUID, noun: str) -> Stored[Public]:
    """The user's object, live or deleted; another user's is as unknown as a missing one (404)."""
    if stored is None or stored.user_id != user_id:
        raise NotFound(f"No such {noun}.")
    return stored


def live(stored: Stored[Public], *, noun: str) -> Public:
    """The object's public values, unless it was deleted (410)."""
    if stored.deleted:
        raise Gone(f"This {noun} was deleted.")
    return stored.public


def replaceable(
    stored: Stored[Public] | None,
    *,
    user_id: uuid.UUID,
    noun: str,
    expected: ExpectedVersion | None,
    only_if_new: bool,
) -> Stored[Public] | None:
    """What ``PUT`` replaces (``None``: it creates the object under its id), once its preconditions hold."""
    if stored is None:
        if expected is not None:
            raise PreconditionFailed(f"The {noun} does not exist, so If-Match cannot match.")
        return None
    current = live(owned(stored, user_id=user_id, noun=noun), noun=noun)
    if only_if_new:
        raise PreconditionFailed(f"The {noun} already exists.", extra={"current": current.model_dump(mode="json")})
    check_version(expected, stored.version, lambda: current)
    return stored
