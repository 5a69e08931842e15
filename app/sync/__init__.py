"""Offline sync: the per-user change sequence, the changes feed, idempotent writes and batch push."""
