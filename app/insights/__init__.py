"""Noticing: echoes of an entry, on this day, and insights into the person's own patterns."""
