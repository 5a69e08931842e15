"""Passwords are Argon2id at pwdlib's recommended cost (SPEC §4), and an unknown email costs the same check."""

from __future__ import annotations

import pytest
from argon2 import Type
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.core import passwords
from tests.cheap_hashing import use_cheap_hashing
from tests.coroutines import run_apart

pytestmark = pytest.mark.real_password_hashing
REAL_COST = "$argon2id$v=19$m=65536,t=3,p=4$"


def test_passwords_are_argon2id_at_the_real_cost() -> None:
    stored = passwords.hash_password("correct horse battery")
    assert stored.startswith(REAL_COST)
    assert passwords.verify_password("correct horse battery", stored)
    assert not passwords.verify_password("correct horse battery!", stored)


def test_an_unknown_account_is_checked_against_a_hash_of_the_same_cost() -> None:
    assert passwords._dummy_hash().startswith(REAL_COST)
    assert not passwords.verify_password("correct horse battery", None)


def test_the_server_hashes_and_checks_in_slow_work_as_it_would_inline() -> None:
    stored = run_apart(passwords.hash_password_in_slow_work("correct horse battery"))
    assert stored.startswith(REAL_COST)
    assert passwords.verify_password("correct horse battery", stored)
    assert run_apart(passwords.verify_password_in_slow_work("correct horse battery", stored))
    assert not run_apart(passwords.verify_password_in_slow_work("correct horse battery!", stored))
    assert not run_apart(passwords.verify_password_in_slow_work("correct horse battery", None))


def test_slow_work_hashes_with_the_servers_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hasher travels with each call: the processes started before a server changes it hash as it says."""
    run_apart(passwords.verify_password_in_slow_work("correct horse battery", None))  # the processes run
    use_cheap_hashing(monkeypatch.setattr)
    stored = run_apart(passwords.hash_password_in_slow_work("correct horse battery"))
    assert stored.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert run_apart(passwords.verify_password_in_slow_work("correct horse battery", stored))


def test_hashes_of_other_parameters_still_verify() -> None:
    """Parameters stored with a hash are the ones it is checked with, so raising the cost never locks anyone out."""
    older = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19456, parallelism=1),)).hash("correct horse battery")
    assert passwords.verify_password("correct horse battery", older)
    assert not passwords.verify_password("correct horse battery!", older)


def test_argon2i_hashes_are_still_checked() -> None:
    older = PasswordHash((Argon2Hasher(type=Type.I),)).hash("correct horse battery")
    assert passwords.verify_password("correct horse battery", older)
    assert not passwords.verify_password("correct horse battery!", older)


def test_a_malformed_hash_matches_no_password() -> None:
    made = passwords.hash_password("correct horse battery")
    prefix, salt, digest = made.rsplit("$", 2)
    assert not passwords.verify_password("correct horse battery", f"{prefix}${salt}$!{digest[1:]}")
    assert not passwords.verify_password("correct horse battery", f"{prefix}$!{salt[1:]}$-{digest[1:]}")
    assert not passwords.verify_password("correct horse battery", made.replace("m=65536", "m=1"))
