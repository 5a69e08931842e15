"""The route class of goal and entry routes: ``Idempotency-Key`` on their writes, and one lock order.

A keyed write runs in a write session owned by this route class (``get_session`` hands it to the
handler), so the write and its stored response commit together: a retry after a lost response
is answered from the store, and a crash leaves neither behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.params import Depends as DependsParam
from fastapi.routing import APIRoute
from sqlmodel import Session

from app.api.deps import CurrentPrincipal, SessionDep
from app.core.database import Database, utcnow
from app.sync import idempotency
from app.sync.sequence import lock_sequence

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_PARAMETER: dict[str, Any] = {
    "name": idempotency.HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Makes the write safe to retry: for 30 days the first successful response to this key is "
        "replayed (with `Idempotent-Replayed: true`) instead of writing again. 1–255 visible ASCII characters."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}


@dataclass
class KeyedWrite:
    """A write sent with an ``Idempotency-Key``: its fingerprint and the transaction it runs in."""

    key: str
    fingerprint: str
    session: Session
    user_id: uuid.UUID | None = None


class Replay(Exception):
    """The key already holds a successful response to this very request."""

    def __init__(self, stored: idempotency.StoredResponse) -> None:
        super().__init__("replay")
        self.stored = stored


def canonical_path(request: Request) -> str:
    """The path as fingerprinted: without the mount's root path, ids in their canonical UUID spelling."""
    path: str = request.scope["path"]
    root_path: str = request.scope.get("root_path", "")
    if root_path and path.startswith(root_path):
        path = path[len(root_path) :]
    segments = []
    for segment in path.split("/"):
        try:
            segments.append(str(uuid.UUID(segment)))
        except ValueError:
            segments.append(segment)
    return "/".join(segments)


def prepare_write(request: Request, principal: CurrentPrincipal, session: SessionDep) -> None:
    """Before a goal or entry write: claim its key (or replay), then lock the user's change counter."""
    keyed: KeyedWrite | None = getattr(request.state, "keyed_write", None)
    if keyed is not None:
        keyed.user_id = principal.user.id
        stored = idempotency.claim(
            session, user_id=principal.user.id, key=keyed.key, request_fingerprint=keyed.fingerprint, now=utcnow()
        )
        if stored is not None:
            raise Replay(stored)
    lock_sequence(session, user_id=principal.user.id)


PreparedWrite = Annotated[None, Depends(prepare_write)]


def replay_response(stored: idempotency.StoredResponse) -> Response:
    return Response(
        content=stored.body,
        status_code=stored.status_code,
        headers={**stored.headers, idempotency.REPLAYED_HEADER: "true"},
    )


def stored_response(response: Response) -> idempotency.StoredResponse:
    headers = {name: response.headers[name] for name in idempotency.STORED_HEADERS if name in response.headers}
    return idempotency.StoredResponse(
        status_code=response.status_code, body=bytes(response.body).decode(), headers=headers
    )


def _end_keyed_write(keyed: KeyedWrite, response: Response | None) -> None:
    """Store a successful response and commit it with the write; in any case close the session (one hop)."""
    try:
        if response is not None and 200 <= response.status_code < 300:
            if keyed.user_id is not None:
                idempotency.store(
                    keyed.session,
                    user_id=keyed.user_id,
                    key=keyed.key,
                    request_fingerprint=keyed.fingerprint,
                    response=stored_response(response),
                    now=utcnow(),
                )
            keyed.session.commit()
    finally:
        keyed.session.close()


class IdempotentRoute(APIRoute):
    """An ``APIRoute`` whose unsafe methods honour ``Idempotency-Key`` (SPEC §5)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if UNSAFE_METHODS & {method.upper() for method in kwargs.get("methods") or ()}:
            dependencies = list(kwargs.get("dependencies") or [])
            if not any(isinstance(dep, DependsParam) and dep.dependency is prepare_write for dep in dependencies):
                dependencies.append(Depends(prepare_write))
            kwargs["dependencies"] = dependencies
            extra = dict(kwargs.get("openapi_extra") or {})
            parameters = list(extra.get("parameters", []))
            if not any(parameter.get("name") == idempotency.HEADER for parameter in parameters):
                parameters.append(KEY_PARAMETER)
            kwargs["openapi_extra"] = {**extra, "parameters": parameters}
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not UNSAFE_METHODS & (self.methods or set()):
            return handler

        async def keyed_handler(request: Request) -> Response:
            key = request.headers.get(idempotency.HEADER)
            if key is None:
                return await handler(request)
            idempotency.check_key(key, where=["header", idempotency.HEADER])
            request_fingerprint = idempotency.fingerprint(
                request.method,
                canonical_path(request),
                idempotency.canonical_body(await request.body()),
            )
            database: Database = request.app.state.database
            keyed = KeyedWrite(
                key=key,
                fingerprint=request_fingerprint,
                session=Session(database.write_engine, expire_on_commit=False),
            )
            request.state.keyed_write = keyed
            request.state.write_session = keyed.session
            try:
                response = await handler(request)
            except Replay as replay:
                await run_in_threadpool(_end_keyed_write, keyed, None)
                return replay_response(replay.stored)
            except BaseException:
                await run_in_threadpool(_end_keyed_write, keyed, None)
                raise
            await run_in_threadpool(_end_keyed_write, keyed, response)
            return response

        return keyed_handler
