"""Request dependencies: the database session (where a request's transaction ends), signing in, scopes.

Signing in is the one place the HTTP layer calls a domain service (``app.auth.service``): it
turns the request's cookie or bearer token into a ``Principal`` and the signed-in ``Account`` (plain
values: routes that change the account load its ``User`` row themselves).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from app.api.methods import writes
from app.api.middleware.write_gate import LoopSemaphore, gated_write
from app.auth import service as auth_service
from app.auth.models import Account
from app.core.database import Database, commit, utcnow
from app.core.errors import CsrfRejected, Forbidden, Unauthorized
from app.core.principal import ALL_SCOPES, Principal
from app.core.rate_limits import RateLimits
from app.core.settings import Settings

SESSION_COOKIE = "synclog_session"


# Dependencies that do no I/O are coroutines: FastAPI runs a plain function in the thread pool, a hop each.


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_rate_limits(request: Request) -> RateLimits:
    rate_limits: RateLimits = request.app.state.rate_limits
    return rate_limits


def client_address(request: Request) -> str:
    """The caller's IP address (behind a trusted proxy, uvicorn's proxy headers put the client's here)."""
    return request.client.host if request.client is not None else "unknown"


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RateLimitsDep = Annotated[RateLimits, Depends(get_rate_limits)]


def _end_session(session: Session, *, commit_it: bool) -> None:
    try:
        if commit_it:
            commit(session)
    finally:
        session.close()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, committed here when the route returns (rolled back if it raised).

    Unsafe methods write (``BEGIN IMMEDIATE`` on SQLite), except those that take the write slot
    themselves (``write_gate.SELF_GATED``): their request session only reads. A coroutine: opening a session does no
    I/O, so only its end (commit and close) takes a thread-pool hop, and on SQLite a read's not
    even that: ending a read transaction there does no I/O and never waits, so it ends on the
    event loop, as is a session whose transaction a route ended itself (a sync push). Where the pool
    of connections can run out, the request first waits for its turn on the event loop
    (``app.api.middleware.write_gate``), never in a thread. Keyed writes take no request session: each
    runs in a write transaction of its own (``app.api.keyed_writes.answer_write``).
    """
    database: Database = request.app.state.database
    gate: LoopSemaphore | None = request.app.state.session_gate
    write = gated_write(request.method, request.scope["path"])
    ends_on_loop = not write and database.dialect == "sqlite"
    async with gate() if gate is not None else nullcontext():
        session = Session(database.write_engine if write else database.read_engine, expire_on_commit=False)
        try:
            yield session
        except BaseException:
            await _end_request_session(session, commit_it=False, on_loop=ends_on_loop)
            raise
        await _end_request_session(session, commit_it=write, on_loop=ends_on_loop)


async def _end_request_session(session: Session, *, commit_it: bool, on_loop: bool) -> None:
    if on_loop or not session.in_transaction():
        # Nothing to wait for: a read on SQLite, or a transaction the route already ended.
        _end_session(session, commit_it=commit_it and session.in_transaction())
    else:
        await run_in_threadpool(_end_session, session, commit_it=commit_it)


# scope="function": the transaction commits before the response is sent, so a failed commit is an error.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def check_csrf(request: Request) -> None:
    """Refuse cross-site unsafe requests from browsers; clients without either header pass."""
    if not writes(request.method):
        return
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        if site not in ("same-origin", "none"):
            raise CsrfRejected("Cross-site requests cannot use the session cookie.")
        return
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise CsrfRejected("The request's Origin does not match this site.")


def cookie_is_secure(request: Request, settings: Settings) -> bool:
    if settings.cookie_secure == "auto":
        return request.url.scheme == "https"
    return settings.cookie_secure == "true"


def set_session_cookie(response: Response, request: Request, settings: Settings, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(auth_service.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=cookie_is_secure(request, settings),
        path="/",
    )


def _bearer_secret(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized("Use 'Authorization: Bearer <token>'.", headers={"WWW-Authenticate": "Bearer"})
    return secret.strip()


@contextmanager
def _side_write(session: Session, database: Database) -> Iterator[Session]:
    """Bookkeeping writes: in ``session``'s transaction when it writes (a request's own write session, or a keyed
    write's transaction), else in a short one of their own."""
    if session.get_bind() is database.write_engine:
        yield session
    else:
        with database.write_transaction() as own:
            yield own


# The two ways to authenticate, as the OpenAPI document names them (``app.api.docs`` adds them to every
# route that signs in). They are not dependencies: each dependency costs every request some work.
SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "personalAccessToken": {"type": "http", "scheme": "bearer", "description": "`Authorization: Bearer sl_pat_…`"},
    "session": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE, "description": "The PWA's session"},
}


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The caller: what they may do, and the account they act for."""

    principal: Principal
    account: Account


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a request signs in with, read from its headers without any I/O: a bearer token's secret or the cookie."""

    bearer: str | None
    cookie: str | None

    @classmethod
    def of(cls, request: Request) -> Credentials:
        """The request's credentials; 401 for a malformed ``Authorization`` header or none at all."""
        bearer = _bearer_secret(request)
        cookie = None if bearer is not None else request.cookies.get(SESSION_COOKIE)
        if bearer is None and not cookie:
            raise Unauthorized("Sign in, or send a personal access token.", headers={"WWW-Authenticate": "Bearer"})
        return cls(bearer, cookie)


def signed_in(request: Request, response: Response, session: Session, credentials: Credentials) -> SignedIn:
    """Look ``credentials`` up in ``session``: 401 unless they are live; counts the request against the user's
    rate limit (429) and, for a cookie, refuses a cross-site write (403 ``csrf``)."""
    # Read from the app, not as dependencies: every dependency costs each request some work.
    database: Database = request.app.state.database
    rate_limits: RateLimits = request.app.state.rate_limits
    now = utcnow()
    if credentials.bearer is not None:
        found = auth_service.access_token_for_secret(session, secret=credentials.bearer, now=now)
        if found is None:
            raise Unauthorized(
                "The access token is unknown, revoked or expired.", headers={"WWW-Authenticate": "Bearer"}
            )
        token, account = found
        rate_limits.hit_api(user_id=account.id)
        if auth_service.token_use_is_stale(token, now=now):
            with _side_write(session, database) as use_session:
                auth_service.record_token_use(use_session, token_id=token.id, now=now)
        principal = Principal(user_id=account.id, scopes=token.scopes, source=token.name, token_id=token.id)
        return SignedIn(principal, account)

    cookie = credentials.cookie
    found_session = auth_service.session_for_token(session, token=cookie, now=now) if cookie else None
    if found_session is None or cookie is None:
        raise Unauthorized("Sign in, or send a personal access token.", headers={"WWW-Authenticate": "Bearer"})
    auth_session, account = found_session
    check_csrf(request)
    rate_limits.hit_api(user_id=account.id)
    if auth_service.session_needs_refresh(auth_session, now=now):
        with _side_write(session, database) as refresh_session:
            auth_service.refresh_session(refresh_session, session_id=auth_session.id, now=now)
        set_session_cookie(response, request, request.app.state.settings, cookie)
    principal = Principal(user_id=account.id, scopes=ALL_SCOPES, source="web", session_id=auth_session.id)
    return SignedIn(principal, account)


def sign_in(request: Request, response: Response, session: SessionDep) -> SignedIn:
    """The signing-in dependency: ``signed_in`` with the request's credentials, in a thread-pool hop of its own."""
    return signed_in(request, response, session, Credentials.of(request))


SignedInDep = Annotated[SignedIn, Depends(sign_in)]


async def _principal(signed_in: SignedInDep) -> Principal:
    return signed_in.principal


async def _account(signed_in: SignedInDep) -> Account:
    return signed_in.account


CurrentPrincipal = Annotated[Principal, Depends(_principal)]
CurrentAccount = Annotated[Account, Depends(_account)]


class ScopeRequirement:
    """Scopes a route requires; its ``scopes`` are what the OpenAPI document lists in its security requirement."""

    def __init__(self, scopes: tuple[str, ...], detail: str | None) -> None:
        self.scopes = scopes
        self.detail = detail

    def require(self, principal: Principal) -> None:
        """Raise 403 ``insufficient_scope`` naming the first of ``scopes`` the caller lacks."""
        for scope in self.scopes:
            principal.require(scope, detail=self.detail and self.detail.format(scope=scope))


class ScopeCheck(ScopeRequirement):
    """The dependency of ``RequireScope``: the signed-in account, if the caller holds every one of ``scopes``."""

    async def __call__(self, signed_in: SignedInDep) -> Account:
        self.require(signed_in.principal)
        return signed_in.account


def RequireScope(*scopes: str, detail: str | None = None) -> Any:  # noqa: N802 - reads as a type in route signatures
    """``Annotated[Account, RequireScope("entries:read")]``: the signed-in account, if the caller holds ``scopes``.

    Raises 403 ``insufficient_scope`` naming the first scope missing (``detail`` may name it as ``{scope}``).
    """
    return Depends(ScopeCheck(scopes, detail))


@dataclass(frozen=True, slots=True)
class Writer:
    """The caller of a keyed write, not yet looked up: ``app.api.keyed_writes.answer_write`` signs them in
    (``sign_in``) in the write's transaction, in the thread-pool hop that runs it, so the two take one hop, not two."""

    request: Request
    response: Response
    credentials: Credentials
    requirement: ScopeRequirement

    def sign_in(self, session: Session) -> SignedIn:
        """``signed_in`` in the write's ``session``, then 403 unless the caller holds the write's scopes."""
        signed = signed_in(self.request, self.response, session, self.credentials)
        self.requirement.require(signed.principal)
        return signed


class WriterCheck(ScopeRequirement):
    """The dependency of ``RequireWriter``: the request's ``Writer`` (no I/O; 401 without credentials)."""

    async def __call__(self, request: Request, response: Response) -> Writer:
        return Writer(request, response, Credentials.of(request), self)


def RequireWriter(*scopes: str, detail: str | None = None) -> Any:  # noqa: N802 - reads as a type in route signatures
    """``Annotated[Writer, RequireWriter("entries:write")]``: a keyed write's caller, signed in where it writes.

    Answers as ``RequireScope`` does (401, 429, 403 ``csrf`` or ``insufficient_scope``), from ``Writer.sign_in``.
    """
    return Depends(WriterCheck(scopes, detail))


async def require_browser_session(signed_in: SignedInDep) -> SignedIn:
    if signed_in.principal.token_id is not None:
        raise Forbidden("Personal access tokens cannot manage tokens or the account.")
    return signed_in


AccountOwner = Annotated[SignedIn, Depends(require_browser_session)]
