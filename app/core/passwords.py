"""Secrets: Argon2id password hashes, and random tokens stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import os
import secrets
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

SESSION_TOKEN_BYTES = 32
# Threads that run Argon2 (sign-in, sign-up, ``/me/password``, ``DELETE /me``), beside the shared pool: a
# check takes about half a second of CPU, and 8 sign-ins at once held all 8 shared threads, so another
# user's write waited seconds for a thread. Two checks at once can keep both cores busy, but only when no
# other thread of the server wants them (``LOWEST_PRIORITY``: libargon2's lane threads inherit it).
PASSWORD_THREADS = 2
# Linux's lowest CPU priority (nice 19): Argon2 gets the cores only when no other thread of the server
# wants them (nice orders the threads of one scheduling group: a process's autogroup, a container's cgroup).
# At nice 0, 8 sign-ins took another user's quick log at half peak from p50 6 ms to 7 s (load run, SQLite).
LOWEST_PRIORITY = 19
ACCESS_TOKEN_PREFIX = "sl_pat_"  # noqa: S105 - a public prefix, not a secret


_password_hash = PasswordHash((Argon2Hasher(),))
# Verified against when an email is unknown, so a failed login takes as long either way.
_DUMMY_HASH = _password_hash.hash(secrets.token_urlsafe(16))


def lower_priority() -> None:
    """Give the calling thread the lowest CPU priority (Linux); threads it starts (Argon2's lanes) inherit it.

    Elsewhere a priority is the whole process's, so there it does nothing.
    """
    if sys.platform == "linux":
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWEST_PRIORITY)


def password_threads() -> ThreadPoolExecutor:
    """``PASSWORD_THREADS`` threads, started on demand at the lowest CPU priority, to run Argon2 on."""
    return ThreadPoolExecutor(PASSWORD_THREADS, thread_name_prefix="password", initializer=lower_priority)


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Constant work whether or not the account exists (``password_hash`` None)."""
    if password_hash is None:
        _password_hash.verify(password, _DUMMY_HASH)
        return False
    return _password_hash.verify(password, password_hash)


def new_session_token() -> str:
    return secrets.token_urlsafe(SESSION_TOKEN_BYTES)


def new_access_token() -> str:
    return ACCESS_TOKEN_PREFIX + secrets.token_urlsafe(SESSION_TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
