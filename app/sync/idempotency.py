"""Idempotent writes: a request's ``Idempotency-Key`` and fingerprint, stored with its first success.

A keyed write checks its key and stores its response in the same transaction as the write
itself, so a write and its stored response commit together or not at all.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select
from sqlmodel import Session

from app.core.database import table_of
from app.core.errors import Conflict, IdempotencyKeyReuse, ValidationProblem
from app.sync.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
RETENTION = timedelta(days=30)
# Expired responses are deleted at most this often per process, by whichever write stores a response next.
PURGE_EVERY = timedelta(hours=1)
STORED_HEADERS = ("content-type", "etag", "location")
_KEY = re.compile(r"[\x21-\x7e]{1,255}")
RECORDS = table_of(IdempotencyRecord)
# Built once: every keyed write runs them (building a statement costs more than running it).
_OF_KEY = (RECORDS.c.user_id == bindparam("owner"), RECORDS.c.key == bindparam("claimed_key"))
_STORED = select(
    RECORDS.c.fingerprint,
    RECORDS.c.status_code,
    RECORDS.c.response_body,
    RECORDS.c.response_headers,
    RECORDS.c.created_at,
).where(*_OF_KEY)
_FORGET = delete(RECORDS).where(*_OF_KEY)
_STORE = insert(RECORDS)
_TRY_LOCK = select(func.pg_try_advisory_xact_lock(bindparam("lock_id")))


@dataclass(frozen=True)
class StoredResponse:
    """The first successful response to a key, as it is replayed."""

    status_code: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)

    def json_body(self) -> Any:
        return json.loads(self.body) if self.body else None


def check_key(key: str, *, where: list[str]) -> None:
    """A key is 1–255 visible ASCII characters; anything else is a validation error."""
    if _KEY.fullmatch(key) is None:
        raise ValidationProblem(
            f"{HEADER} must be 1–255 visible ASCII characters.",
            errors=[{"loc": where, "msg": "must be 1–255 visible ASCII characters", "type": "idempotency_key"}],
        )


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_body(raw: bytes) -> str:
    """The body as it is fingerprinted: JSON in canonical form, anything else as it came."""
    if not raw.strip():
        return ""
    try:
        return canonical_json(json.loads(raw))
    except ValueError:
        return "raw:" + raw.hex()


def fingerprint(method: str, path: str, body: str) -> str:
    return hashlib.sha256(f"{method.upper()}\n{path}\n{body}".encode()).hexdigest()


def _advisory_lock_id(user_id: uuid.UUID, key: str) -> int:
    digest = hashlib.sha256(user_id.bytes + key.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def claim(
    session: Session, *, user_id: uuid.UUID, key: str, request_fingerprint: str, now: datetime
) -> StoredResponse | None:
    """Claim ``key`` for this transaction: ``None`` to go ahead and write, or the stored response to replay.

    Raises 409 while another transaction holds the key and 422 when the key was used for another request.
    On PostgreSQL a transaction-scoped advisory lock marks the key in flight; SQLite's ``BEGIN IMMEDIATE``
    admits one writer at a time, so there a second request waits and then finds the stored response.
    """
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        claimed = session.execute(_TRY_LOCK, {"lock_id": _advisory_lock_id(user_id, key)}).scalar()
        if not claimed:
            raise Conflict(
                f"A request with this {HEADER} is still in progress; retry it shortly.", headers={"Retry-After": "1"}
            )
    of_key = {"owner": user_id, "claimed_key": key}
    row = session.execute(_STORED, of_key).first()
    if row is None:
        return None
    if row.status_code is None or row.created_at <= now - RETENTION:
        # Expired (or never completed): forget it, so that ``store`` inserts afresh.
        session.execute(_FORGET, of_key)
        return None
    if row.fingerprint != request_fingerprint:
        raise IdempotencyKeyReuse(
            f"This {HEADER} was used for a different request; choose a new key for a new request."
        )
    return StoredResponse(status_code=row.status_code, body=row.response_body or "", headers=dict(row.response_headers))


class _PurgeSchedule:
    """When this process last deleted expired responses (one indexed ``DELETE``, at most once an hour)."""

    def __init__(self) -> None:
        self._due: datetime | None = None
        self._lock = threading.Lock()

    def claim(self, now: datetime) -> bool:
        with self._lock:
            if self._due is not None and now < self._due:
                return False
            self._due = now + PURGE_EVERY
            return True


_purges = _PurgeSchedule()


def store(
    session: Session,
    *,
    user_id: uuid.UUID,
    key: str,
    request_fingerprint: str,
    response: StoredResponse,
    now: datetime,
) -> None:
    """Keep the first successful response to ``key``, which ``claim`` found free in this transaction.

    Every path that stores a response (keyed API writes, sync push) also purges expired ones now and then.
    """
    if _purges.claim(now):
        purge_expired(session, now=now)
    session.execute(
        _STORE,
        {
            "user_id": user_id,
            "key": key,
            "fingerprint": request_fingerprint,
            "status_code": response.status_code,
            "response_body": response.body,
            "response_headers": dict(response.headers),
            "created_at": now,
        },
    )


def purge_expired(session: Session, *, now: datetime) -> int:
    """Delete every stored response older than 30 days; returns how many were deleted."""
    result = session.execute(delete(RECORDS).where(RECORDS.c.created_at <= now - RETENTION))
    return int(getattr(result, "rowcount", 0) or 0)
