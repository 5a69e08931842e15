"""Rate limits of SPEC §8 with the ``limits`` library's moving window, in memory or shared through Redis.

Routes ask one question each (``check_login``, ``record_failed_login``, ``hit_registration``,
``hit_api``); an exhausted budget raises ``RateLimited`` (429 with ``Retry-After``).
"""

from __future__ import annotations

import hashlib
import math
import time
import uuid

from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.core.errors import RateLimited
from app.core.settings import Settings

FAILED_LOGINS_PER_EMAIL = parse("10 per 15 minutes")
FAILED_LOGINS_PER_IP = parse("100 per 15 minutes")
REGISTRATIONS_PER_IP = parse("30 per hour")
# An import holds the write slot while it writes; a few a day is what people need.
IMPORTS_PER_USER = parse("10 per hour")


class RateLimits:
    """The budgets of one deployment; with ``enabled=False`` every check passes and nothing is stored."""

    def __init__(self, *, storage_uri: str, api_limit: str, enabled: bool = True) -> None:
        self.enabled = enabled
        self.api_limit = parse(api_limit)
        self._window = MovingWindowRateLimiter(_sync_storage(storage_uri)) if enabled else None

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        return cls(
            storage_uri=settings.redis_url or "memory://",
            api_limit=settings.rate_limit_api,
            enabled=settings.rate_limits == "on",
        )

    def check_login(self, *, email: str, ip: str) -> None:
        """Refuse a login attempt once the email or the address has used up its failed attempts."""
        self._refuse_if_spent(FAILED_LOGINS_PER_EMAIL, "login-email", _email_key(email), what="this account")
        self._refuse_if_spent(FAILED_LOGINS_PER_IP, "login-ip", ip, what="this address")

    def record_failed_login(self, *, email: str, ip: str) -> None:
        if self._window is not None:
            self._window.hit(FAILED_LOGINS_PER_EMAIL, "login-email", _email_key(email))
            self._window.hit(FAILED_LOGINS_PER_IP, "login-ip", ip)

    def hit_registration(self, *, ip: str) -> None:
        self._hit(REGISTRATIONS_PER_IP, "register-ip", ip, what="sign-ups from this address")

    def hit_import(self, *, user_id: uuid.UUID) -> None:
        self._hit(IMPORTS_PER_USER, "import-user", str(user_id), what="imports for this account")

    def hit_api(self, *, user_id: uuid.UUID) -> None:
        self._hit(self.api_limit, "api-user", str(user_id), what="API requests for this account")

    def _refuse_if_spent(self, limit: RateLimitItem, *key: str, what: str) -> None:
        if self._window is not None and not self._window.test(limit, *key):
            raise self._limited(limit, key, f"Too many failed sign-ins for {what}; try again later.")

    def _hit(self, limit: RateLimitItem, *key: str, what: str) -> None:
        if self._window is not None and not self._window.hit(limit, *key):
            raise self._limited(limit, key, f"Too many {what}; try again later.")

    def _limited(self, limit: RateLimitItem, key: tuple[str, ...], detail: str) -> RateLimited:
        assert self._window is not None
        reset_at = self._window.get_window_stats(limit, *key).reset_time
        retry_after = max(1, math.ceil(reset_at - time.time()))
        return RateLimited(detail, headers={"Retry-After": str(retry_after)}, extra={"retry_after": retry_after})


def _sync_storage(uri: str) -> Storage:
    storage = storage_from_string(uri)
    if not isinstance(storage, Storage):
        raise TypeError(f"{uri} names an asynchronous rate-limit storage")
    return storage


def _email_key(email: str) -> str:
    # A hash, so the rate-limit store never holds the addresses people tried.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()
