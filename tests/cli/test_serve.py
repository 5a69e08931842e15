"""What ``synclog serve`` prints: the address, and how to create the first account."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bench.processes import ServerProcess
from tests.cli.commands import run


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # what it prints does not depend on the engine
def test_serve_prints_the_address_and_how_to_create_an_account(
    database_url: str, start_server: Callable[..., ServerProcess]
) -> None:
    first = start_server(database_url)
    first.stop()
    assert f"Synclog is serving on http://127.0.0.1:{first.port}/" in first.log()
    assert "synclog user create --email" in first.log()
    code, _, _ = run(
        database_url, "user", "create", "--email", "a@example.org", "--password-stdin", stdin="long enough\n"
    )
    assert code == 0
    second = start_server(database_url)
    second.stop()
    assert f"http://127.0.0.1:{second.port}/" in second.log()
    assert "No accounts yet" not in second.log()
