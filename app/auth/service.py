"""Accounts, sessions and personal access tokens: every query about them lives here."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

from sqlalchemy import Row, bindparam, delete, func, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.auth.models import AccessToken, Account, AuthSession, Register, TokenCreate, User, UserUpdate
from app.core.database import table_of, utcnow
from app.core.errors import Conflict, Forbidden, ProblemError, Unauthorized, ValidationProblem
from app.core.passwords import hash_password, hash_token, new_access_token, new_session_token
from app.core.sequence import ChangeCounter

SESSION_LIFETIME = timedelta(days=30)
# A sliding session is pushed forward at most once a day, not on every request.
SESSION_REFRESH_AFTER = timedelta(days=1)
# A token's last use is recorded at most once a minute, not on every request.
TOKEN_USE_RESOLUTION = timedelta(minutes=1)
TOKEN_USE_CLAIMS_KEPT = 10_000
# SPEC §8: a user's sign-ins and tokens are bounded (the 51st session ends the oldest; the 101st token is refused).
MAX_LIVE_SESSIONS = 50
MAX_TOKENS = 100


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, *, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalize_email(email))).first()


def create_user(
    session: Session,
    *,
    email: str,
    password: str | None = None,
    password_hash: str | None = None,
    display_name: str = "",
    timezone: str = "UTC",
) -> User:
    """A new account; ``password_hash`` (``hash_password_in_slow_work``'s, made before the write) or ``password``."""
    if find_user_by_email(session, email=email) is not None:
        raise Conflict("An account with this email already exists.")
    user = User(
        email=normalize_email(email),
        password_hash=password_hash or hash_password(password or ""),
        display_name=display_name,
        timezone=timezone,
    )
    session.add(user)
    session.flush()
    session.add(ChangeCounter(user_id=user.id))
    session.flush()
    return user


def register(session: Session, *, body: Register, password_hash: str | None = None) -> User:
    """Create the account ``body`` describes; ``password_hash``, when given, is the hash of ``body.password``."""
    return create_user(
        session,
        email=body.email,
        password=body.password,
        password_hash=password_hash,
        display_name=body.display_name,
        timezone=body.timezone,
    )


def authenticated(user: User | None, *, matches: bool) -> User:
    """``user`` (``find_user_by_email``'s) if the password checked against theirs ``matches``; the same 401 for no
    user and a wrong password.

    Callers check the password (``verify_password_in_slow_work``) between reading the user and their
    write, holding no session or write slot through it, then confirm with ``still_authenticated`` in
    their write transaction.
    """
    if not matches or user is None:
        raise Unauthorized("The email or password is not right.")
    return user


def still_authenticated(session: Session, *, user_id: uuid.UUID, password_hash: str, error: ProblemError) -> User:
    """The user, read in the write transaction, if their password is still the one checked; else ``error``.

    The password was checked before the write slot was taken (Argon2 must not hold it), so a
    password change or account deletion may have come between.
    """
    user = session.get(User, user_id)
    if user is None or user.password_hash != password_hash:
        raise error
    return user


def start_checked_session(session: Session, *, user_id: uuid.UUID, password_hash: str) -> str:
    """``start_session`` for a user ``authenticate`` returned, if their password is still the one checked (else 401)."""
    error = Unauthorized("The email or password is not right.")
    return start_session(
        session, user=still_authenticated(session, user_id=user_id, password_hash=password_hash, error=error)
    )


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.created_at))))


def start_session(session: Session, *, user: User) -> str:
    """Open a browser session and return its secret token (only the hash is stored).

    The user's expired sessions go first, and beyond ``MAX_LIVE_SESSIONS`` the oldest end, so
    sign-ins cannot pile up rows (SPEC §8). Both by the user's index: cheap.
    """
    now = utcnow()
    of_user = col(AuthSession.user_id) == user.id
    session.execute(delete(AuthSession).where(of_user, col(AuthSession.expires_at) <= now))
    kept = select(AuthSession.id).where(of_user).order_by(col(AuthSession.created_at).desc(), col(AuthSession.id))
    session.execute(
        delete(AuthSession).where(
            of_user, col(AuthSession.id).not_in(kept.limit(MAX_LIVE_SESSIONS - 1).scalar_subquery())
        )
    )
    token = new_session_token()
    session.add(AuthSession(user_id=user.id, token_hash=hash_token(token), expires_at=now + SESSION_LIFETIME))
    session.flush()
    return token


def end_session(session: Session, *, token: str) -> None:
    session.execute(delete(AuthSession).where(col(AuthSession.token_hash) == hash_token(token)))


# Sign-in runs on every request: its statements are built once (building one costs more than running it),
# and run on the session's connection (Core), the account read as an ``Account`` of plain values: loading
# the user as an ORM ``User`` and running through the ORM session cost a quick log ~10 % of its CPU.
_USERS = table_of(User)
_SESSIONS = table_of(AuthSession)
_TOKENS = table_of(AccessToken)
_ACCOUNT_FIELDS = tuple(field.name for field in fields(Account))
_ACCOUNT_COLUMNS = tuple(_USERS.c[name] for name in _ACCOUNT_FIELDS)
_account_of = attrgetter(*_ACCOUNT_FIELDS)
_ACCOUNT = sa_select(*_ACCOUNT_COLUMNS).where(_USERS.c.id == bindparam("user_id"))
_ACCOUNT_OF_EMAIL = sa_select(*_ACCOUNT_COLUMNS).where(_USERS.c.email == bindparam("email"))
_SESSION_AND_ACCOUNT = (
    sa_select(*_ACCOUNT_COLUMNS, _SESSIONS.c.id.label("session_id"), _SESSIONS.c.expires_at)
    .join(_SESSIONS, _SESSIONS.c.user_id == _USERS.c.id)
    .where(_SESSIONS.c.token_hash == bindparam("token_hash"))
)
_TOKEN_AND_ACCOUNT = (
    sa_select(
        *_ACCOUNT_COLUMNS,
        _TOKENS.c.id.label("token_id"),
        _TOKENS.c.name.label("token_name"),
        _TOKENS.c.scopes,
        _TOKENS.c.expires_at,
        _TOKENS.c.last_used_at,
    )
    .join(_TOKENS, _TOKENS.c.user_id == _USERS.c.id)
    .where(_TOKENS.c.token_hash == bindparam("token_hash"))
)
_REFRESH_SESSION = (
    update(_SESSIONS).where(_SESSIONS.c.id == bindparam("session_id")).values(expires_at=bindparam("expires_at"))
)
_RECORD_TOKEN_USE = (
    update(_TOKENS).where(_TOKENS.c.id == bindparam("token_id")).values(last_used_at=bindparam("used_at"))
)


def _account(row: Row[*tuple[Any, ...]]) -> Account:
    """The one mapping from a row that selects the account's columns (and maybe more) to an ``Account``."""
    return Account(*_account_of(row))


def get_account(session: Session, *, user_id: uuid.UUID) -> Account:
    """The account ``user_id`` as ``session`` reads it (one statement); 401 if the account was deleted meanwhile."""
    row = session.connection().execute(_ACCOUNT, {"user_id": user_id}).first()
    if row is None:
        raise Unauthorized("The account was deleted.")
    return _account(row)


def find_account_by_email(session: Session, *, email: str) -> Account | None:
    row = session.connection().execute(_ACCOUNT_OF_EMAIL, {"email": normalize_email(email)}).first()
    return None if row is None else _account(row)


def get_user(session: Session, *, user_id: uuid.UUID) -> User:
    """The account's ``User`` row, to change it in ``session``; 401 if the account was deleted meanwhile."""
    user = session.get(User, user_id)
    if user is None:
        raise Unauthorized("The account was deleted.")
    return user


@dataclass(frozen=True, slots=True)
class LiveSession:
    """A browser session that sign-in found live: its id and when it ends."""

    id: uuid.UUID
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class LiveToken:
    """A personal access token that sign-in found live: what a request needs of it."""

    id: uuid.UUID
    name: str
    scopes: tuple[str, ...]
    last_used_at: datetime | None


def session_for_token(session: Session, *, token: str, now: datetime) -> tuple[LiveSession, Account] | None:
    """The live session of ``token`` and its account, in one query."""
    row = session.connection().execute(_SESSION_AND_ACCOUNT, {"token_hash": hash_token(token)}).first()
    if row is None or row.expires_at <= now:
        return None
    return LiveSession(row.session_id, row.expires_at), _account(row)


def session_needs_refresh(auth_session: LiveSession, *, now: datetime) -> bool:
    return auth_session.expires_at - now < SESSION_LIFETIME - SESSION_REFRESH_AFTER


def refresh_session(session: Session, *, session_id: uuid.UUID, now: datetime) -> None:
    """Push the session's end to ``SESSION_LIFETIME`` from ``now`` (one statement; none if it has ended since)."""
    session.connection().execute(_REFRESH_SESSION, {"session_id": session_id, "expires_at": now + SESSION_LIFETIME})


def access_token_for_secret(session: Session, *, secret: str, now: datetime) -> tuple[LiveToken, Account] | None:
    """The live token of ``secret`` and its account, in one query."""
    row = session.connection().execute(_TOKEN_AND_ACCOUNT, {"token_hash": hash_token(secret)}).first()
    if row is None or (row.expires_at is not None and row.expires_at <= now):
        return None
    return LiveToken(row.token_id, row.token_name, tuple(row.scopes), row.last_used_at), _account(row)


class _TokenUseClaims:
    """Which tokens' use a request of this process is recording right now.

    Concurrent requests with one token all read a stale ``last_used_at``; only the first of
    them writes, instead of one write transaction each (an fsync each on SQLite). A claim
    lapses after a few seconds, so a write that rolled back is retried by a later request.
    """

    def __init__(self, lapse: timedelta) -> None:
        self.lapse = lapse
        self._claimed: dict[uuid.UUID, datetime] = {}
        self._lock = threading.Lock()

    def claim(self, token_id: uuid.UUID, *, now: datetime) -> bool:
        with self._lock:
            claimed = self._claimed.get(token_id)
            if claimed is not None and abs(now - claimed) < self.lapse:
                return False
            if len(self._claimed) > TOKEN_USE_CLAIMS_KEPT:
                self._claimed = {key: at for key, at in self._claimed.items() if abs(now - at) < self.lapse}
            self._claimed[token_id] = now
            return True


_token_use_claims = _TokenUseClaims(lapse=timedelta(seconds=5))


def token_use_is_stale(token: LiveToken, *, now: datetime) -> bool:
    """Whether this request should record the token's use (and no concurrent one is doing it already)."""
    stale = token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION
    return stale and _token_use_claims.claim(token.id, now=now)


def record_token_use(session: Session, *, token_id: uuid.UUID, now: datetime) -> None:
    """Note that the token was used at ``now`` (one statement; none if it was revoked since)."""
    session.connection().execute(_RECORD_TOKEN_USE, {"token_id": token_id, "used_at": now})


def update_user(session: Session, *, user_id: uuid.UUID, changes: UserUpdate) -> User:
    """Apply ``changes`` (the fields set and not null) to the account; 401 if it was deleted meanwhile."""
    user = get_user(session, user_id=user_id)
    for name, value in changes.model_dump(exclude_unset=True).items():
        if value is None:
            continue
        setattr(user, name, value)
    user.updated_at = utcnow()
    session.add(user)
    session.flush()
    return user


def change_password(
    session: Session,
    *,
    user_id: uuid.UUID,
    password_hash: str,
    new_password_hash: str,
    keep_session_id: uuid.UUID | None,
) -> None:
    """Set a new password (``hash_password_in_slow_work``'s, computed before the write); every other session ends
    and every token is revoked. ``password_hash`` is the hash the current password was checked against
    (``verify_password_in_slow_work``): 403 if it changed since."""
    user = still_authenticated(
        session, user_id=user_id, password_hash=password_hash, error=Forbidden("The current password is not right.")
    )
    user.password_hash = new_password_hash
    user.updated_at = utcnow()
    session.add(user)
    ended = delete(AuthSession).where(col(AuthSession.user_id) == user.id)
    if keep_session_id is not None:
        ended = ended.where(col(AuthSession.id) != keep_session_id)
    session.execute(ended)
    session.execute(delete(AccessToken).where(col(AccessToken.user_id) == user.id))
    session.flush()


def delete_account(session: Session, *, user_id: uuid.UUID, password_hash: str) -> None:
    """Remove the user and, through cascading keys, every row that belongs to them.

    ``password_hash`` is the hash the password was checked against (``verify_password_in_slow_work``): 403 if it
    changed since.
    """
    user = still_authenticated(
        session, user_id=user_id, password_hash=password_hash, error=Forbidden("The password is not right.")
    )
    session.delete(user)
    session.flush()


def create_token(session: Session, *, user_id: uuid.UUID, body: TokenCreate) -> tuple[AccessToken, str]:
    """A new token and its secret; 422 once the user holds ``MAX_TOKENS`` (expired ones are removed first)."""
    of_user = col(AccessToken.user_id) == user_id
    session.execute(delete(AccessToken).where(of_user, col(AccessToken.expires_at) <= utcnow()))
    held = int(session.exec(select(func.count()).select_from(AccessToken).where(of_user)).one())
    if held >= MAX_TOKENS:
        detail = f"An account holds at most {MAX_TOKENS} tokens; revoke one first."
        raise ValidationProblem(detail, errors=[{"loc": ["body"], "msg": detail, "type": "too_many_tokens"}])
    secret = new_access_token()
    expires_at = utcnow() + timedelta(days=body.expires_in_days) if body.expires_in_days else None
    token = AccessToken(
        user_id=user_id,
        name=body.name,
        token_hash=hash_token(secret),
        scopes=sorted(set(body.scopes)),
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    return token, secret


def create_token_for_email(session: Session, *, email: str, body: TokenCreate) -> tuple[AccessToken, str]:
    user = find_user_by_email(session, email=email)
    if user is None:
        raise LookupError(f"no account with email {email}")
    return create_token(session, user_id=user.id, body=body)


def list_tokens(session: Session, *, user_id: uuid.UUID) -> list[AccessToken]:
    return list(
        session.exec(select(AccessToken).where(AccessToken.user_id == user_id).order_by(col(AccessToken.created_at)))
    )


def revoke_token(session: Session, *, user_id: uuid.UUID, token_id: uuid.UUID) -> bool:
    found = session.get(AccessToken, token_id)
    if found is None or found.user_id != user_id:
        return False
    session.delete(found)
    session.flush()
    return True


def count_users(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(User)).one())
