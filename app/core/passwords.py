"""Secrets: Argon2id password hashes, and random tokens stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.core import slow_work

SESSION_TOKEN_BYTES = 32
ACCESS_TOKEN_PREFIX = "sl_pat_"  # noqa: S105 - a public prefix, not a secret


_password_hash = PasswordHash((Argon2Hasher(),))
# Verified against when an email is unknown, so a failed login takes as long either way. Made on first
# use (``_dummy_hash``): an Argon2 hash is ~0.2 s of CPU that a process which never checks a password
# (the CLI, a slow-work process, a test process) would otherwise pay at import.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _password_hash.hash(secrets.token_urlsafe(16))
    return _DUMMY_HASH


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Constant work whether or not the account exists (``password_hash`` None)."""
    if password_hash is None:
        _password_hash.verify(password, _dummy_hash())
        return False
    return _password_hash.verify(password, password_hash)


# The server's Argon2 (sign-in, sign-up, ``/me/password``, ``DELETE /me``) runs in the slow-work processes
# (``app.core.slow_work``): about half a second of CPU a check, off the server's GIL and at nice 19, so
# under load sign-in slows instead of everyone else. The hasher travels with each call (400 bytes), so the
# processes check with the server's parameters, whatever they are.


def _hash_with(hasher: PasswordHash, password: str) -> str:
    return hasher.hash(password)


def _verify_with(hasher: PasswordHash, password: str, password_hash: str) -> bool:
    return hasher.verify(password, password_hash)


async def hash_password_in_slow_work(password: str) -> str:
    """``hash_password`` in a slow-work process: the event loop waits, no thread of the server does."""
    return await slow_work.run(_hash_with, _password_hash, password)


async def verify_password_in_slow_work(password: str, password_hash: str | None) -> bool:
    """``verify_password`` in a slow-work process: constant work whether or not the account exists (None)."""
    checked = _dummy_hash() if password_hash is None else password_hash
    matches = await slow_work.run(_verify_with, _password_hash, password, checked)
    return matches and password_hash is not None


def new_session_token() -> str:
    return secrets.token_urlsafe(SESSION_TOKEN_BYTES)


def new_access_token() -> str:
    return ACCESS_TOKEN_PREFIX + secrets.token_urlsafe(SESSION_TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
