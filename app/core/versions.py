"""Versions of goals and entries: what a write expects to find (``If-Match``) and what it leaves behind."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel

from app.core.errors import PreconditionFailed

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
    """A goal or entry as a write left it: its public values (``None`` once deleted), version and change number."""

    id: uuid.UUID
    version: int
    seq: int
    public: Public | None
    created: bool = False
