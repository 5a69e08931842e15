"""Offline sync: the changes feed and batch push (each op a keyed write of its own)."""
