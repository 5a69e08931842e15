"""Synclog: a synchronicity logger with an offline-first PWA and an open JSON API."""

__version__ = "0.1.0"
