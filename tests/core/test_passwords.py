"""Passwords are Argon2id at pwdlib's recommended cost (SPEC §4), and an unknown email costs the same check."""

from __future__ import annotations

import os
import sys
import threading

import pytest
from argon2 import Type
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

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


def _priority() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def _own_and_started_priorities() -> tuple[int, int]:
    """This thread's CPU priority, and that of a thread it starts (as libargon2 starts its lanes)."""
    started: list[int] = []
    lane = threading.Thread(target=lambda: started.append(_priority()))
    lane.start()
    lane.join()
    return _priority(), started[0]


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own CPU priority is Linux's")
def test_password_threads_and_the_threads_they_start_run_at_the_lowest_priority() -> None:
    caller = _priority()
    with passwords.password_threads() as executor:
        assert executor.submit(_own_and_started_priorities).result() == (19, 19)
        stored = executor.submit(passwords.hash_password, "correct horse battery").result()
        assert executor.submit(passwords.verify_password, "correct horse battery", stored).result()
    assert _priority() == caller  # the thread that handed the work over keeps its own


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
