"""Rate limits of SPEC §8 with the ``limits`` library's moving window, in memory or shared through Redis.

Routes ask one question each (``password_check``, ``hit_registration``, ``hit_api``); an
exhausted budget raises ``RateLimited`` (429 with ``Retry-After``). Every check counts and
tests in one atomic step, so parallel requests cannot slip past a budget between the two.
A shared store that does not answer lets requests through (fail open): a warning at most
once a minute, and each check skipped is reported to ``on_skipped`` (a counter in ``/metrics``).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.core.errors import RateLimited
from app.core.settings import Settings

FAILED_LOGINS_PER_EMAIL = parse("10 per 15 minutes")
FAILED_LOGINS_PER_IP = parse("100 per 15 minutes")
REGISTRATIONS_PER_IP = parse("30 per hour")
# A store that failed is left alone this long before it is tried again, so requests do not each wait on it.
RETRY_STORE_AFTER_SECONDS = 5.0
WARN_EVERY_SECONDS = 60.0
# Redis answers in a millisecond; a store that takes longer than this is treated as down.
STORE_TIMEOUT_SECONDS = 0.5
logger = logging.getLogger("synclog.rate_limits")
# An import holds the write slot while it writes; a few a day is what people need.
IMPORTS_PER_USER = parse("10 per hour")


class RateLimits:
    """The budgets of one deployment; with ``enabled=False`` every check passes and nothing is stored."""

    def __init__(
        self,
        *,
        storage_uri: str,
        api_limit: str,
        enabled: bool = True,
        on_skipped: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.enabled = enabled
        self.api_limit = parse(api_limit)
        self.shared = enabled and not storage_uri.startswith("memory://")
        self._storage = _sync_storage(storage_uri) if enabled else None
        self._window = MovingWindowRateLimiter(self._storage) if self._storage is not None else None
        self._on_skipped = on_skipped
        self._clock = clock
        self._retry_store_at = 0.0
        self._warned_at: float | None = None

    @classmethod
    def from_settings(cls, settings: Settings, *, on_skipped: Callable[[], None] | None = None) -> RateLimits:
        return cls(
            storage_uri=settings.redis_url or "memory://",
            api_limit=settings.rate_limit_api,
            enabled=settings.rate_limits == "on",
            on_skipped=on_skipped,
        )

    @contextmanager
    def password_check(self, *, email: str, ip: str) -> Iterator[None]:
        """Around one check of a password (sign-in, ``/me/password``, ``DELETE /me``).

        The attempt is counted before the password is checked, against the address's and the
        email's budgets of failed sign-ins; once either is spent the check is refused (429), even
        with the right password. A right password (the block ends without an error) forgives the
        email's earlier failures; a wrong one stays counted.
        """
        self._hit(FAILED_LOGINS_PER_IP, "login-ip", ip, detail="Too many failed sign-ins from this address")
        email_key = _email_key(email)
        self._hit(FAILED_LOGINS_PER_EMAIL, "login-email", email_key, detail="Too many failed sign-ins for this account")
        yield
        self._call_store(lambda window: window.clear(FAILED_LOGINS_PER_EMAIL, "login-email", email_key))

    def hit_registration(self, *, ip: str) -> None:
        self._hit(REGISTRATIONS_PER_IP, "register-ip", ip, detail="Too many sign-ups from this address")

    def hit_import(self, *, user_id: uuid.UUID) -> None:
        self._hit(IMPORTS_PER_USER, "import-user", str(user_id), detail="Too many imports for this account")

    def hit_api(self, *, user_id: uuid.UUID) -> None:
        self._hit(self.api_limit, "api-user", str(user_id), detail="Too many API requests for this account")

    def store_reachable(self) -> bool | None:
        """Whether the shared store (Redis) answers; ``None`` when limits are kept in memory or off."""
        if not self.shared or self._storage is None:
            return None
        return bool(self._storage.check())

    def _hit(self, limit: RateLimitItem, *key: str, detail: str) -> None:
        if self._call_store(lambda window: window.hit(limit, *key)) is False:
            raise self._limited(limit, key, f"{detail}; try again later.")

    def _call_store(self, call: Callable[[MovingWindowRateLimiter], bool | None]) -> bool | None:
        """``call`` on the limiter; ``None`` (go ahead) when limits are off or the store does not answer."""
        if self._window is None:
            return None
        if self._clock() < self._retry_store_at:
            self._skipped()
            return None
        try:
            return call(self._window)
        except StorageError as error:
            self._retry_store_at = self._clock() + RETRY_STORE_AFTER_SECONDS
            self._skipped(error)
            return None

    def _skipped(self, error: StorageError | None = None) -> None:
        if self._on_skipped is not None:
            self._on_skipped()
        now = self._clock()
        if error is not None and (self._warned_at is None or now - self._warned_at >= WARN_EVERY_SECONDS):
            self._warned_at = now
            cause = type(error.storage_error).__name__
            logger.warning("The rate-limit store does not answer (%s); requests go ahead without limits.", cause)

    def _limited(self, limit: RateLimitItem, key: tuple[str, ...], detail: str) -> RateLimited:
        assert self._window is not None
        try:
            reset_at = self._window.get_window_stats(limit, *key).reset_time
        except StorageError:
            reset_at = time.time() + limit.get_expiry()
        retry_after = max(1, math.ceil(reset_at - time.time()))
        return RateLimited(detail, headers={"Retry-After": str(retry_after)}, extra={"retry_after": retry_after})


def _sync_storage(uri: str) -> Storage:
    options: dict[str, float] = {}
    if not uri.startswith("memory://"):
        options = {"socket_timeout": STORE_TIMEOUT_SECONDS, "socket_connect_timeout": STORE_TIMEOUT_SECONDS}
    storage = storage_from_string(uri, wrap_exceptions=True, **options)
    if not isinstance(storage, Storage):
        raise TypeError(f"{uri} names an asynchronous rate-limit storage")
    return storage


def _email_key(email: str) -> str:
    # A hash, so the rate-limit store never holds the addresses people tried.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()
