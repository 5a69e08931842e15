"""Entries: the synchronicities people log."""
