"""Who is calling: the signed-in user's id and what they may do, as plain values (``app.api.deps`` builds it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal, get_args

from app.core.errors import InsufficientScope

# What a personal access token may be allowed to do (SPEC §4); a session may do all of it.
Scope = Literal["entries:read", "entries:write", "goals:read", "goals:write", "summary:read", "export"]
ALL_SCOPES: tuple[str, ...] = get_args(Scope)


@dataclass(frozen=True, slots=True)
class Principal:
    """A signed-in browser (every scope, ``session_id``) or a personal access token (its scopes, ``token_id``)."""

    user_id: uuid.UUID
    scopes: tuple[str, ...]
    # What a new entry records as its ``source``: the token's name, or ``web``.
    source: str
    token_id: uuid.UUID | None = None
    session_id: uuid.UUID | None = None

    def require(self, scope: str, *, detail: str | None = None) -> None:
        """Raise 403 ``insufficient_scope`` unless the caller holds ``scope``."""
        if scope not in self.scopes:
            raise InsufficientScope(detail or f"This token lacks the {scope} scope.", extra={"required_scope": scope})
