"""Keyed writes (SPEC §5): every goal, entry and pause write, sent alone or in a push, is run and answered here.

``keyed_write`` claims the write's ``Idempotency-Key`` (by a fingerprint of its method, path and
canonical JSON body), locks the user's change counter, runs the write, builds the answer and
stores it in the same transaction as the write: a retry after a lost response is answered from
the store, and a crash leaves neither behind. A write sent without a key runs the same way.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy import JSON, Column, Text, bindparam, delete, func, insert, select
from sqlmodel import Field, Session, SQLModel
from starlette.applications import Starlette

from app.api.deps import SignedIn, Writer
from app.api.middleware.write_gate import in_write_slot
from app.api.preconditions import etag
from app.core.database import UTCDateTime, table_of, utcnow
from app.core.errors import Conflict, IdempotencyKeyReuse, PreconditionFailed, ValidationProblem
from app.core.principal import Principal
from app.core.sequence import lock_sequence
from app.core.synced import Written

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
RETENTION = timedelta(days=30)
PURGE_INTERVAL_SECONDS = 3600
_KEY = re.compile(r"[\x21-\x7e]{1,255}")
KEY_PARAMETER: dict[str, Any] = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Makes the write safe to retry: for 30 days the first successful response to this key is "
        "replayed (with `Idempotent-Replayed: true`) instead of writing again. 1–255 visible ASCII characters."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}


class IdempotencyRecord(SQLModel, table=True):
    """The first successful response to an ``Idempotency-Key``, kept 30 days per user."""

    __tablename__ = "idempotency_records"

    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE", primary_key=True)
    key: str = Field(max_length=255, primary_key=True)
    fingerprint: str = Field(max_length=64)
    # Null while the first request is still in flight.
    status_code: int | None = None
    response_body: str | None = Field(default=None, sa_type=Text)
    response_headers: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


RECORDS = table_of(IdempotencyRecord)
# Built once: every keyed write runs them (building a statement costs more than running it), on the session's
# connection (Core statements need nothing of the ORM session's own execution path).
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


def keyed(openapi_extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``openapi_extra`` of a write route, documenting its ``Idempotency-Key`` header."""
    extra = dict(openapi_extra or {})
    extra["parameters"] = [*extra.get("parameters", []), KEY_PARAMETER]
    return extra


# Any id spells an object's path the same way around it: each app's paths are worked out once with this one.
_SAMPLE_ID = uuid.UUID(int=0)
_PATHS: weakref.WeakKeyDictionary[Starlette, dict[str, tuple[str, str]]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class Resource:
    """Goals, entries or pauses, as keyed writes address them: the names of their collection and item routes."""

    collection_route: str
    item_route: str
    id_param: str
    # The scope that may see an object's fields (a 412 shows others only its id and version).
    read_scope: str

    def path(self, request: Request, object_id: uuid.UUID | None) -> str:
        """The app's path of the collection or of one object (ids spelled canonically), as fingerprinted."""
        if object_id is None:
            before, _ = self._paths(request.app, self.collection_route)
            return before
        before, after = self._paths(request.app, self.item_route)
        return f"{before}{object_id}{after}"

    def url(self, request: Request, object_id: uuid.UUID) -> str:
        """The URL of one object: the ``Location`` of a created one (``URLPath.make_absolute_url``'s, spelled
        without parsing the URL it builds again: that cost a quick log 3 % of its CPU)."""
        return str(request.base_url).rstrip("/") + self.path(request, object_id)

    def _paths(self, app: Starlette, route: str) -> tuple[str, str]:
        """A route's path around its id (all of it for the collection), found once per app: walking the app's
        routes for every write (``url_path_for``) cost a quick log 4 % of its CPU."""
        paths = _PATHS.setdefault(app, {})
        if route not in paths:
            if route == self.collection_route:
                paths[route] = (str(app.url_path_for(route)), "")
            else:
                before, _, after = app.url_path_for(route, **{self.id_param: str(_SAMPLE_ID)}).partition(
                    str(_SAMPLE_ID)
                )
                paths[route] = (before, after)
        return paths[route]


@dataclass(frozen=True, slots=True)
class WriteRequest:
    """A write as its key remembers it: method, path and canonical body ("" when none)."""

    method: str
    path: str
    body: str
    key: str | None

    def fingerprint(self) -> str:
        return hashlib.sha256(f"{self.method.upper()}\n{self.path}\n{self.body}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Answer:
    """What a keyed write answers; ``version`` and ``seq`` are for push results (no ``seq`` when replayed)."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    version: int | None = None
    seq: int | None = None
    replayed: bool = False

    def response(self) -> Response:
        headers = {**self.headers, REPLAYED_HEADER: "true"} if self.replayed else self.headers
        return Response(content=self.body, status_code=self.status, headers=headers)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_body(raw: bytes) -> str:
    """A request body as fingerprinted: JSON in canonical form, anything else as it came."""
    if not raw.strip():
        return ""
    try:
        return canonical_json(json.loads(raw))
    except ValueError:
        return "raw:" + raw.hex()


def check_key(key: str) -> None:
    """A key is 1–255 visible ASCII characters; anything else is a validation error."""
    if _KEY.fullmatch(key) is None:
        raise ValidationProblem(
            f"{HEADER} must be 1–255 visible ASCII characters.",
            errors=[
                {"loc": ["header", HEADER], "msg": "must be 1–255 visible ASCII characters", "type": "idempotency_key"}
            ],
        )


def _advisory_lock_id(user_id: uuid.UUID, key: str) -> int:
    digest = hashlib.sha256(user_id.bytes + key.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def claim(session: Session, *, user_id: uuid.UUID, key: str, fingerprint: str, now: datetime) -> Answer | None:
    """Claim ``key`` for this transaction: ``None`` to go ahead and write, or the stored answer to replay.

    Raises 409 while another transaction holds the key and 422 when the key was used for another request.
    On PostgreSQL a transaction-scoped advisory lock marks the key in flight; SQLite's ``BEGIN IMMEDIATE``
    admits one writer at a time, so there a second request waits and then finds the stored answer.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        claimed = connection.execute(_TRY_LOCK, {"lock_id": _advisory_lock_id(user_id, key)}).scalar()
        if not claimed:
            raise Conflict(
                f"A request with this {HEADER} is still in progress; retry it shortly.", headers={"Retry-After": "1"}
            )
    of_key = {"owner": user_id, "claimed_key": key}
    row = connection.execute(_STORED, of_key).first()
    if row is None:
        return None
    if row.status_code is None or row.created_at <= now - RETENTION:
        # Expired (or never completed): forget it, so that ``keyed_write`` stores afresh.
        connection.execute(_FORGET, of_key)
        return None
    if row.fingerprint != fingerprint:
        raise IdempotencyKeyReuse(
            f"This {HEADER} was used for a different request; choose a new key for a new request."
        )
    body = row.response_body or ""
    stored = json.loads(body) if body else None
    version = stored.get("version") if isinstance(stored, dict) else None
    return Answer(
        status=row.status_code,
        body=body.encode(),
        headers=dict(row.response_headers),
        version=version if isinstance(version, int) else None,
        replayed=True,
    )


def purge_expired(session: Session, *, now: datetime) -> int:
    """Delete every stored answer older than 30 days; returns how many were deleted."""
    result = session.connection().execute(delete(RECORDS).where(RECORDS.c.created_at <= now - RETENTION))
    return int(getattr(result, "rowcount", 0) or 0)


def _answer(written: Written[Any], locate: Callable[[uuid.UUID], str]) -> Answer:
    """The one way a write is answered, sent alone or replayed: a 204 once deleted, else its public JSON."""
    headers = {"content-type": "application/json"}
    if written.public_json is None:
        return Answer(status=204, body=b"", headers=headers, version=written.version, seq=written.seq)
    headers["etag"] = etag(written.version)
    if written.created:
        headers["location"] = locate(written.id)
    return Answer(
        status=201 if written.created else 200,
        body=written.public_json.encode(),
        headers=headers,
        version=written.version,
        seq=written.seq,
    )


def _run(write: Callable[[], Written[Any]], *, may_read: bool) -> Written[Any]:
    """``write()``; a 412 it raises shows a caller who may not read the object only its id and version."""
    try:
        return write()
    except PreconditionFailed as error:
        current = error.extra.get("current")
        if not may_read and isinstance(current, dict):
            error.extra["current"] = {name: current.get(name) for name in ("id", "version")}
        raise


def keyed_write(
    session: Session,
    *,
    user_id: uuid.UUID,
    request: WriteRequest,
    write: Callable[[], Written[Any]],
    locate: Callable[[uuid.UUID], str],
    may_read: bool,
    purge: bool = False,
) -> Answer:
    """Run ``write`` in ``session``'s transaction as ``request`` of ``user_id`` and answer it.

    With a key: the stored answer when the key already holds one for this very request, else the
    write's, stored for the key. Raises the write's problem errors (nothing of it is to be kept;
    a 412's ``current`` is ``{"id", "version"}`` unless ``may_read``); the caller ends the transaction.
    """
    return keyed_answer(
        session,
        user_id=user_id,
        request=request,
        respond=lambda: _answer(_run(write, may_read=may_read), locate),
        purge=purge,
    )


def keyed_answer(
    session: Session, *, user_id: uuid.UUID, request: WriteRequest, respond: Callable[[], Answer], purge: bool = False
) -> Answer:
    """Run ``respond`` (a write and its answer) in ``session``'s transaction, keyed as ``keyed_write`` says."""
    if request.key is None:
        lock_sequence(session, user_id=user_id)
        return respond()
    fingerprint, now = request.fingerprint(), utcnow()
    if purge:
        purge_expired(session, now=now)
    stored = claim(session, user_id=user_id, key=request.key, fingerprint=fingerprint, now=now)
    if stored is not None:
        return stored
    lock_sequence(session, user_id=user_id)
    answer = respond()
    session.connection().execute(
        _STORE,
        {
            "user_id": user_id,
            "key": request.key,
            "fingerprint": fingerprint,
            "status_code": answer.status,
            "response_body": answer.body.decode(),
            "response_headers": answer.headers,
            "created_at": now,
        },
    )
    return answer


def purge_due(request: Request) -> bool:
    """Whether this process last purged expired keys over an hour ago (then it purges now)."""
    last: float | None = getattr(request.app.state, "idempotency_purged_at", None)
    now = time.monotonic()
    if last is not None and now - last < PURGE_INTERVAL_SECONDS:
        return False
    request.app.state.idempotency_purged_at = now
    return True


# A keyed write's own statements: ``write(session, signed_in)``, in the write's transaction.
KeyedWrite = Callable[[Session, SignedIn], Written[Any]]


def _sign_in_and_write(
    session: Session, *, writer: Writer, app_request: Request, resource: Resource, target: WriteRequest, act: KeyedWrite
) -> Answer:
    """Sign ``writer`` in, then ``keyed_write`` their ``act`` as ``target``, in the write's transaction ``session``: one
    thread-pool hop with its commit (each hop of its own cost a quick log more than its commit)."""
    signed = writer.sign_in(session)
    if target.key is not None:
        check_key(target.key)
    return keyed_write(
        session,
        user_id=signed.principal.user_id,
        request=target,
        write=partial(act, session, signed),
        locate=partial(resource.url, app_request),
        may_read=resource.read_scope in signed.principal.scopes,
        purge=target.key is not None and purge_due(app_request),
    )


async def answer_write(
    request: Request,
    resource: Resource,
    *,
    writer: Writer,
    object_id: uuid.UUID | None,
    write: KeyedWrite,
) -> Response:
    """Sign ``writer`` in, run their ``write(session, signed_in)`` through ``keyed_write`` with the request's key and
    commit it: one write transaction of its own (no request session), in one thread-pool hop, holding the write
    slot only for that hop (``in_write_slot``; the request passes the ``WriteGate`` unqueued).

    The transaction ends there, before the response is built: a failed commit is an error, not a 2xx. Answers
    401, 429, 403 (``Writer.sign_in``), 422 for a malformed key, 409/422 for a key in use or reused
    (``claim``), or the write's own problem.
    """
    key = request.headers.get(HEADER)
    if key is None:
        # Without a key nothing is fingerprinted, so the path and body are not worked out.
        target = WriteRequest(request.method, path="", body="", key=None)
    else:
        # The key is checked once the writer is signed in (a 401 comes before a 422, as for other routes).
        body = canonical_body(await request.body())
        target = WriteRequest(request.method, resource.path(request, object_id), body, key)
    answer = await in_write_slot(
        request, _sign_in_and_write, writer=writer, app_request=request, resource=resource, target=target, act=write
    )
    return answer.response()


async def answer_action(
    request: Request, session: Session, *, principal: Principal, act: Callable[[], BaseModel]
) -> Response:
    """Run a write that changes many objects at once (a rename across entries) as a keyed write of the
    request's path and body; answered 200 with ``act()``'s JSON, replayed as such for its key."""
    key = request.headers.get(HEADER)
    if key is not None:
        check_key(key)
    body = canonical_body(await request.body()) if key is not None else ""
    target = WriteRequest(request.method, request.url.path if key is not None else "", body, key)

    def respond() -> Answer:
        content = act().model_dump_json().encode()
        return Answer(status=200, body=content, headers={"content-type": "application/json"})

    answer = await run_in_threadpool(
        keyed_answer,
        session,
        user_id=principal.user_id,
        request=target,
        respond=respond,
        purge=key is not None and purge_due(request),
    )
    return answer.response()
