"""Domain errors: every failure Synclog answers carries an HTTP status and a stable ``code`` (RFC 9457)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, get_args

# Every ``code`` a problem answer may carry: the one list (SPEC §4). A code is never removed or renamed;
# the OpenAPI document publishes it as an enum and docs/api.md's table of errors is checked against it.
ProblemCode = Literal[
    "bad_request",
    "validation_error",
    "unsupported_media_type",
    "unauthorized",
    "forbidden",
    "insufficient_scope",
    "csrf",
    "not_found",
    "method_not_allowed",
    "conflict",
    "gone",
    "precondition_failed",
    "idempotency_key_reuse",
    "payload_too_large",
    "rate_limited",
    "unavailable",
    "internal_error",
    "headers_too_large",
    "request_timeout",
]
PROBLEM_CODES: tuple[ProblemCode, ...] = get_args(ProblemCode)


class ProblemError(Exception):
    """A domain error with an HTTP status and a stable ``code``."""

    status: int = 400
    code: ProblemCode = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})


class BadRequest(ProblemError):
    status, code = 400, "bad_request"


class ValidationProblem(ProblemError):
    status, code = 422, "validation_error"

    def __init__(self, detail: str, *, errors: Sequence[Mapping[str, Any]] | None = None) -> None:
        super().__init__(detail, extra={"errors": list(errors or [])})


class Unauthorized(ProblemError):
    status, code = 401, "unauthorized"


class Forbidden(ProblemError):
    status, code = 403, "forbidden"


class InsufficientScope(ProblemError):
    status, code = 403, "insufficient_scope"


class CsrfRejected(ProblemError):
    status, code = 403, "csrf"


class NotFound(ProblemError):
    status, code = 404, "not_found"


class Gone(ProblemError):
    status, code = 410, "gone"


class Conflict(ProblemError):
    status, code = 409, "conflict"


class PreconditionFailed(ProblemError):
    status, code = 412, "precondition_failed"


class IdempotencyKeyReuse(ProblemError):
    status, code = 422, "idempotency_key_reuse"


class PayloadTooLarge(ProblemError):
    status, code = 413, "payload_too_large"


class RateLimited(ProblemError):
    status, code = 429, "rate_limited"


class Unavailable(ProblemError):
    status, code = 503, "unavailable"
