"""Which HTTP methods write: the session they get, the write gate, CSRF checks and keyed writes all ask here."""

from __future__ import annotations

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def writes(method: str) -> bool:
    """Whether a request with ``method`` may write (``GET``, ``HEAD`` and ``OPTIONS`` only read)."""
    return method in WRITE_METHODS
