"""Where the installed package keeps its migrations and PWA files, from any working directory."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # app/


def _bundled_or_source(name: str) -> Path:
    """``app/<name>`` in an installed wheel, ``<repo>/<name>`` in a source checkout."""
    bundled = _PACKAGE / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name


def migrations_dir() -> Path:
    return _bundled_or_source("migrations")


def web_dir() -> Path:
    return _bundled_or_source("web")
