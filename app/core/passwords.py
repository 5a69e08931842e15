"""Secrets: Argon2id password hashes, and random tokens stored only as SHA-256 hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2.low_level import ARGON2_VERSION, Type, core, error_to_str, ffi
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import ARGON2_ENCODED_HASH_REGEX, Argon2Hasher

SESSION_TOKEN_BYTES = 32
# Threads that run Argon2 (sign-in, sign-up, ``/me/password``, ``DELETE /me``), beside the shared pool: a
# check takes about half a second of CPU, and 8 sign-ins at once held all 8 shared threads, so another
# user's write waited seconds for a thread. Each check runs on one core (``OneThreadArgon2Hasher``), so 2
# checks at once can keep 2 cores busy, and only when no other thread of the server wants them.
PASSWORD_THREADS = 2
# Linux's lowest CPU priority (nice 19): Argon2 gets the cores only when no other thread of the server
# wants them (nice orders the threads of one scheduling group: a process's autogroup, a container's cgroup).
# At nice 0, 8 sign-ins took another user's quick log at half peak from p50 6 ms to 7 s (load run, SQLite).
LOWEST_PRIORITY = 19
ACCESS_TOKEN_PREFIX = "sl_pat_"  # noqa: S105 - a public prefix, not a secret


def _b64(raw: bytes) -> str:
    """The PHC string format's base64: standard alphabet, no padding."""
    return base64.b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _argon2id_raw(password: bytes, salt: bytes, *, time_cost: int, memory_cost: int, lanes: int, length: int) -> bytes:
    """Argon2id's raw output, its ``lanes`` filled one after another on the calling thread (``threads=1``)."""
    # The context only points at these buffers: each is kept alive by its own name until the call returns.
    out = ffi.new("uint8_t[]", length)
    password_buffer = ffi.new("uint8_t[]", password)
    salt_buffer = ffi.new("uint8_t[]", salt)
    context = ffi.new(
        "argon2_context *",
        {
            "out": out,
            "outlen": length,
            "pwd": password_buffer,
            "pwdlen": len(password),
            "salt": salt_buffer,
            "saltlen": len(salt),
            "secret": ffi.NULL,
            "secretlen": 0,
            "ad": ffi.NULL,
            "adlen": 0,
            "t_cost": time_cost,
            "m_cost": memory_cost,
            "lanes": lanes,
            "threads": 1,
            "version": ARGON2_VERSION,
            "allocate_cbk": ffi.NULL,
            "free_cbk": ffi.NULL,
            "flags": 0,  # ARGON2_DEFAULT_FLAGS
        },
    )
    status = core(context, Type.ID.value)
    if status != 0:  # ARGON2_OK
        raise ValueError(error_to_str(status))
    return bytes(ffi.buffer(out, length))


class OneThreadArgon2Hasher(Argon2Hasher):
    """pwdlib's Argon2id (same parameters, same hashes), each hash computed on the calling thread alone.

    The lanes (``p=4``) are part of a hash; the threads that fill them are not. libargon2 started a
    thread per lane for every slice of every pass (48 a check), and those took the cores from the
    threads serving other requests: with them (at nice 19), 8 parallel sign-ins took another user's
    quick log at half peak to p50 2.8 s (load run, SQLite); one thread a check, to 31 ms. Hashes of
    other variants or versions are checked by pwdlib's own hasher.
    """

    def __init__(self) -> None:
        super().__init__()
        self.parameters = self._hasher  # argon2-cffi's PasswordHasher: time_cost, memory_cost, parallelism…

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        secret = password.encode() if isinstance(password, str) else password
        salt = salt or os.urandom(self.parameters.salt_len)
        time_cost, memory_cost, lanes = (
            self.parameters.time_cost,
            self.parameters.memory_cost,
            self.parameters.parallelism,
        )
        raw = _argon2id_raw(
            secret, salt, time_cost=time_cost, memory_cost=memory_cost, lanes=lanes, length=self.parameters.hash_len
        )
        return f"$argon2id$v={ARGON2_VERSION}$m={memory_cost},t={time_cost},p={lanes}${_b64(salt)}${_b64(raw)}"

    def verify(self, password: str | bytes, hash: str | bytes) -> bool:
        encoded = hash.decode() if isinstance(hash, bytes) else hash
        match = ARGON2_ENCODED_HASH_REGEX.fullmatch(encoded)
        if match is None or match["variant"] != "argon2id" or match["version"] != str(ARGON2_VERSION):
            return super().verify(password, hash)
        if not match["salt"] or not match["digest"]:
            return False
        secret = password.encode() if isinstance(password, str) else password
        try:
            digest = _unb64(match["digest"])
            raw = _argon2id_raw(
                secret,
                _unb64(match["salt"]),
                time_cost=int(match["time_cost"]),
                memory_cost=int(match["memory_cost"]),
                lanes=int(match["parallelism"]),
                length=len(digest),
            )
        except ValueError:  # not base64, or parameters libargon2 refuses: not a hash this password can match
            return False
        return hmac.compare_digest(raw, digest)


_password_hash = PasswordHash((OneThreadArgon2Hasher(),))
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
