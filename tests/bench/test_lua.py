"""The wrk scripts: what they send, run by the real wrk against a small server."""

from __future__ import annotations

import itertools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench import lua, wrk

needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason=wrk.INSTALL_HINT)


def test_strings_are_lua_literals() -> None:
    assert lua.lua_string('a"b\\c\nd\r') == '"a\\"b\\\\c\\nd\\r"'


def test_a_post_script_names_method_body_headers_and_the_unique_header() -> None:
    target = lua.Target(
        paths=("/a?x=1", '/b"q'),
        method="POST",
        headers={"Authorization": "Bearer t"},
        body='{"note": "x"}',
        unique_header="Idempotency-Key",
    )
    script = lua.script(target, threads=2, prefix="run1")
    lines = script.splitlines()
    assert 'wrk.method = "POST"' in lines
    assert 'wrk.body = "{\\"note\\": \\"x\\"}"' in lines
    assert 'wrk.headers["Authorization"] = "Bearer t"' in lines
    assert 'paths = {"/a?x=1", "/b\\"q"}' in lines
    assert "step = 2" in lines
    assert 'unique_header = "Idempotency-Key"' in lines
    assert 'unique_prefix = "run1-"' in lines
    assert "pace = false" in lines
    assert "function delay()" not in script


def test_a_paced_script_has_its_interval_and_file(tmp_path: Path) -> None:
    file = tmp_path / "l"
    script = lua.script(lua.Target(paths=("/",)), threads=4, interval_us=12_500, latencies_file=file)
    lines = script.splitlines()
    assert {"pace = true", "interval_us = 12500.0", f'latencies_file = "{file}"', "unique_header = nil"} <= set(lines)
    assert "function delay()" in script and "wrk.method" not in script


def test_a_paced_script_needs_a_file() -> None:
    with pytest.raises(ValueError, match="file"):
        lua.script(lua.Target(paths=("/",)), interval_us=1000)


class Seen:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str | None, bytes]] = []
        self.lock = threading.Lock()


@pytest.fixture
def server() -> Iterator[tuple[str, Seen]]:
    """A small HTTP/1.1 server recording method, path, ``Idempotency-Key`` and body of each request."""
    seen = Seen()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with seen.lock:
                seen.requests.append((self.command, self.path, self.headers.get("Idempotency-Key"), body))
            self.send_response(201 if self.command == "POST" else 200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def do_GET(self) -> None:
            self.answer()

        def do_POST(self) -> None:
            self.answer()

        def log_message(self, format: str, *args: object) -> None:
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_address[1]}", seen
    http.shutdown()
    http.server_close()


@needs_wrk
def test_paths_arrive_in_turn(server: tuple[str, Seen]) -> None:
    url, seen = server
    result = wrk.run("t", url, ["/a", "/b", "/c"], headers={}, server_pid=os.getpid(), connections=1, seconds=1)
    assert result.output.requests > 3 and result.failures == 0
    # wrk asks the script for one request before it starts sending: the turn may begin at the second path.
    paths = [path for _, path, _, _ in seen.requests]
    assert all(later == {"/a": "/b", "/b": "/c", "/c": "/a"}[earlier] for earlier, later in itertools.pairwise(paths))


@needs_wrk
def test_every_post_has_the_body_and_a_key_never_sent_before(server: tuple[str, Seen]) -> None:
    url, seen = server
    target = lua.Target(paths=("/entries",), method="POST", body='{"kind":"dream"}', unique_header="Idempotency-Key")
    result = wrk.closed("post", url, target, server_pid=os.getpid(), connections=4, seconds=1)
    assert result.output.requests > 4 and result.failures == 0
    keys = [key for _, _, key, _ in seen.requests]
    assert len(set(keys)) == len(keys) and None not in keys
    assert {(method, path, body) for method, path, _, body in seen.requests} == {
        ("POST", "/entries", b'{"kind":"dream"}')
    }


@needs_wrk
def test_a_paced_run_sends_at_the_rate_asked(server: tuple[str, Seen]) -> None:
    url, seen = server
    target = lua.Target(paths=("/",), method="POST", body="{}", unique_header="Idempotency-Key")
    result = wrk.paced("paced", url, target, server_pid=os.getpid(), rate=100, connections=4, seconds=2)
    # 100 a second for 2 s over 4 connections: never more (the last interval may not fit in), and on a
    # busy machine this small Python server may fall behind, but not by half.
    assert 100 <= result.output.requests <= 204
    assert result.failures == 0 and len(result.latencies_ms) == result.output.requests
    assert all(0 < latency < 1000 for latency in result.latencies_ms)
    keys = [key for _, _, key, _ in seen.requests]
    assert len(set(keys)) == len(keys)
