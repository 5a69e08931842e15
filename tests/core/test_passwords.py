"""Passwords are Argon2id at pwdlib's recommended cost (SPEC §4), and an unknown email costs the same check."""

from __future__ import annotations

import pytest

from app.core import passwords

pytestmark = pytest.mark.real_password_hashing
REAL_COST = "$argon2id$v=19$m=65536,t=3,p=4$"


def test_passwords_are_argon2id_at_the_real_cost() -> None:
    stored = passwords.hash_password("correct horse battery")
    assert stored.startswith(REAL_COST)
    assert passwords.verify_password("correct horse battery", stored)
    assert not passwords.verify_password("correct horse battery!", stored)


def test_an_unknown_account_is_checked_against_a_hash_of_the_same_cost() -> None:
    assert passwords._DUMMY_HASH.startswith(REAL_COST)
    assert not passwords.verify_password("correct horse battery", None)
