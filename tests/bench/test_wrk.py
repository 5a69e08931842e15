"""The wrk driver's parsing and arithmetic: durations, the report, CPU from /proc and per request."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench import wrk

REPORT = """Running 10s test @ http://127.0.0.1:8000
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.31ms    4.02ms  61.00ms   81.20%
    Req/Sec     1.30k   120.00     1.50k    70.00%
  Latency Distribution
     50%   11.52ms
     75%   13.90ms
     90%  810.00us
     99%    1.02s
  12998 requests in 10.01s, 25.41MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:   1298.50
Transfer/sec:      2.54MB
"""


@pytest.mark.parametrize(
    ("text", "expected"), [("810.00us", 0.81), ("11.52ms", 11.52), ("1.02s", 1020.0), ("2.00m", 120_000.0)]
)
def test_durations_are_read_in_milliseconds(text: str, expected: float) -> None:
    assert wrk.duration_ms(text) == pytest.approx(expected)


def test_the_report_gives_requests_seconds_failures_and_percentiles() -> None:
    output = wrk.parse_wrk(REPORT)
    assert output.requests == 12998 and output.seconds == pytest.approx(10.01)
    assert (output.non_2xx, output.socket_errors) == (4, 5)
    assert output.percentiles_ms == {50: 11.52, 75: 13.9, 90: pytest.approx(0.81), 99: 1020.0}
    assert output.rate == pytest.approx(12998 / 10.01)


def test_a_report_without_a_request_count_is_refused() -> None:
    with pytest.raises(ValueError, match="no request count"):
        wrk.parse_wrk("unable to connect to 127.0.0.1:8000 Connection refused")


def test_cpu_time_counts_user_and_system_ticks_after_an_odd_command_name() -> None:
    fields = ["S"] + ["0"] * 10 + ["250", "50"] + ["0"] * 30  # fields 3..: state, ..., utime (14), stime (15)
    stat = "4242 (synclog (serve) x) " + " ".join(fields)
    assert wrk.cpu_seconds_of_stat(stat) == pytest.approx(300 / wrk.CLOCK_TICKS)
    assert wrk.cpu_seconds(os.getpid()) > 0


def test_cpu_per_request_and_failures() -> None:
    output = wrk.parse_wrk(REPORT)
    # 12 998 answered and 16 still in flight when wrk stopped, served by the time the server is idle.
    result = wrk.LoadResult("cold", 16, output, server_cpu_seconds=6.507)
    assert result.cpu_ms_per_request == pytest.approx(0.5)
    assert result.failures == 9
    row = result.row()
    assert (row["p50_ms"], row["p99_ms"], row["rate"]) == (11.52, 1020.0, 1298.5)


def test_the_script_sends_each_path_once_in_turn_across_threads() -> None:
    script = wrk.lua_script(["/a?x=1", '/b"q'], {"Authorization": "Bearer t"}, threads=2)
    assert 'wrk.headers["Authorization"] = "Bearer t"' in script
    assert 'local paths = {"/a?x=1", "/b\\"q"}' in script
    assert re.search(r"local step = 2\b", script)


@pytest.mark.skipif(shutil.which("wrk") is None, reason=wrk.INSTALL_HINT)
def test_wrk_runs_the_script_against_a_server(tmp_path: Path) -> None:
    """The generated Lua runs in wrk: the paths arrive in turn, with the headers, and the report parses."""
    seen: list[tuple[str, str | None]] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            seen.append((self.path, self.headers.get("X-Bench")))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        result = wrk.run(
            "t", url, ["/a", "/b", "/c"], headers={"X-Bench": "1"}, server_pid=os.getpid(), connections=1, seconds=1
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.output.requests > 3 and result.failures == 0
    # wrk asks the script for one request before it starts sending: the turn may begin at the second path.
    paths = [path for path, _ in seen]
    assert all(later == {"/a": "/b", "/b": "/c", "/c": "/a"}[earlier] for earlier, later in itertools.pairwise(paths))
    assert {header for _, header in seen} == {"1"}
