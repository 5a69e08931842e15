"""Synclog's settings: environment variables with the ``SYNCLOG_`` prefix."""

from __future__ import annotations

import ipaddress
import re
import sys
from typing import Literal

from limits import parse as parse_rate_limit
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIB = 1024 * 1024
_ORIGIN = re.compile(r"https?://[^/\s,]+")


class Settings(BaseSettings):
    """Every setting Synclog reads; unknown ``SYNCLOG_`` variables are ignored, bad values stop start-up."""

    model_config = SettingsConfigDict(env_prefix="SYNCLOG_", extra="ignore", frozen=True)

    database_url: str = "sqlite:///./data/synclog.db"
    signups: Literal["open", "closed"] = "open"
    redis_url: str | None = None
    cookie_secure: Literal["auto", "true", "false"] = "auto"
    sqlite_synchronous: Literal["FULL", "NORMAL"] = "FULL"
    max_body_bytes: int = Field(default=MIB, ge=1024)
    max_import_bytes: int = Field(default=20 * MIB, ge=1024)
    log_format: Literal["text", "json"] = "text"
    rate_limits: Literal["on", "off"] = "on"
    rate_limit_api: str = "3000/minute"
    cors_origins: str = ""
    # Addresses or networks of reverse proxies whose X-Forwarded-For/-Proto are believed (default: none).
    trusted_proxies: str = ""
    # A request's line and headers must arrive within this many seconds (a slow sender is disconnected).
    header_timeout_seconds: float = Field(default=10, gt=0, le=300)
    # With it, ``/metrics`` also answers ``Authorization: Bearer <token>`` from any address.
    metrics_token: str | None = Field(default=None, min_length=16)

    @field_validator("database_url")
    @classmethod
    def _known_engine(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
            raise ValueError("must start with sqlite:// or postgresql://")
        return value

    @field_validator("rate_limit_api")
    @classmethod
    def _rate_limit_notation(cls, value: str) -> str:
        try:
            parse_rate_limit(value)
        except ValueError as exc:
            raise ValueError(f"not a rate limit such as 3000/minute ({exc})") from exc
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in (part.strip() for part in value.split(",")):
            if origin and not _ORIGIN.fullmatch(origin):
                raise ValueError(f"{origin!r} is not an origin such as https://app.example (scheme and host, no path)")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        for address in (part.strip() for part in value.split(",")):
            if not address:
                continue
            try:
                ipaddress.ip_network(address, strict=False)
            except ValueError:
                raise ValueError(f"{address!r} is not an IP address or network such as 172.30.0.10") from None
        return value

    @field_validator("redis_url", "metrics_token", mode="before")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [address.strip() for address in self.trusted_proxies.split(",") if address.strip()]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def describe_settings_error(error: ValidationError) -> str:
    """One line naming the offending variable, for start-up failures."""
    first = error.errors()[0]
    name = "SYNCLOG_" + str(first["loc"][0]).upper() if first["loc"] else "SYNCLOG_*"
    return f"synclog: invalid setting {name}: {first['msg']}"


def load_settings() -> Settings:
    """Read the environment; on a bad value print one clear line and exit."""
    try:
        return Settings()
    except ValidationError as error:
        print(describe_settings_error(error), file=sys.stderr)
        raise SystemExit(2) from None
