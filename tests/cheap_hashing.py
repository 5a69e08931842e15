"""Argon2id at its lowest cost, for tests: a sign-up costs ~0.2 ms instead of ~0.5 s of CPU.

The hashes stay real Argon2id (their cost travels inside each hash, so the real hasher verifies
them too); only the work is cut. ``tests/conftest.py`` applies it to every test not marked
``real_password_hashing``. For tests over real HTTP, ``SYNCLOG_WITH_CHEAP_HASHING`` runs the
``synclog`` command the same way (``python -m tests.cheap_hashing serve …``), with any number of workers.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

import app.core.passwords

CHEAP_PASSWORD_HASH = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),))
SYNCLOG_WITH_CHEAP_HASHING = (sys.executable, "-m", "tests.cheap_hashing")


def use_cheap_hashing(set_attribute: Callable[[object, str, object], None] = setattr) -> None:
    """Swap the password hasher (and the dummy hash unknown emails are checked against) for the cheap one."""
    set_attribute(app.core.passwords, "_password_hash", CHEAP_PASSWORD_HASH)
    set_attribute(app.core.passwords, "_DUMMY_HASH", CHEAP_PASSWORD_HASH.hash(secrets.token_urlsafe(16)))


if __name__ == "__main__":
    # With one worker uvicorn serves in this process, so the swap holds for every request.
    from app.cli import main

    use_cheap_hashing()
    main()
elif __name__ == "__mp_main__":
    # A worker of ``serve --workers N``: multiprocessing's spawn runs this module again under this name
    # in each worker process before uvicorn makes the app there, so those hash cheaply too.
    use_cheap_hashing()
