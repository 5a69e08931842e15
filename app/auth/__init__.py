"""Accounts, sessions and personal access tokens."""
