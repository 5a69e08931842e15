"""``wrk`` in its own process against a server under test, and the server's CPU time per request.

wrk is a native load generator (closed loop: each connection sends its next request when the
last is answered), so the figures measure the server, not a Python client sharing its cores.
Paths and headers go to wrk through a generated Lua script; ``paths`` longer than one are sent
in turn on each connection's thread, so no path is sent twice while the list lasts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = "wrk is not installed: apt-get install wrk (Debian/Ubuntu) or brew install wrk"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def wrk_path() -> str:
    """The ``wrk`` executable; ``RuntimeError`` saying how to install it when missing."""
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError(INSTALL_HINT)
    return found


def duration_ms(text: str) -> float:
    """wrk's duration ("812.00us", "1.53ms", "2.10s", "1.00m") in milliseconds."""
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", text.strip())
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


@dataclass(frozen=True)
class WrkOutput:
    """What wrk printed: requests, the wall time they took, failures and latency percentiles (ms)."""

    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    percentiles_ms: dict[int, float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def parse_wrk(text: str) -> WrkOutput:
    """Parse the report of ``wrk --latency``; ``ValueError`` when the request count is missing."""
    total = re.search(r"^\s*(\d+) requests in ([0-9.]+\w+),", text, re.MULTILINE)
    if total is None:
        raise ValueError(f"no request count in wrk's output:\n{text}")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    percentiles = {
        int(share): duration_ms(value)
        for share, value in re.findall(r"^\s+(50|75|90|99)%\s+([0-9.]+\w+)\s*$", text, re.MULTILINE)
    }
    return WrkOutput(
        requests=int(total.group(1)),
        seconds=duration_ms(total.group(2)) / 1000,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(count) for count in errors.groups()) if errors else 0,
        percentiles_ms=percentiles,
    )


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of ``pid`` so far, from ``/proc/<pid>/stat``."""
    return cpu_seconds_of_stat(Path(f"/proc/{pid}/stat").read_text())


def cpu_seconds_of_stat(stat: str) -> float:
    # The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
    fields = stat.rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / CLOCK_TICKS


def wait_idle(pid: int, *, quiet: float = 0.5, timeout: float = 120) -> None:
    """Wait until ``pid`` has used no CPU for ``quiet`` seconds: requests wrk left in flight are done."""
    deadline = time.monotonic() + timeout
    used = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = cpu_seconds(pid)
        if now - used < quiet * 0.05:
            return
        used = now


@dataclass(frozen=True)
class LoadResult:
    """One wrk run against one server: throughput, latency and the server's CPU per request.

    ``server_cpu_seconds`` runs from wrk's start until the server is idle again, so it holds the
    requests answered and the one each connection still had in flight when wrk stopped.
    """

    name: str
    connections: int
    output: WrkOutput
    server_cpu_seconds: float

    @property
    def cpu_ms_per_request(self) -> float:
        served = self.output.requests + self.connections
        return self.server_cpu_seconds * 1000 / served

    @property
    def failures(self) -> int:
        return self.output.non_2xx + self.output.socket_errors

    def row(self) -> dict[str, float | int | str]:
        out = self.output
        return {
            "name": self.name,
            "connections": self.connections,
            "requests": out.requests,
            "rate": round(out.rate, 1),
            "p50_ms": out.percentiles_ms.get(50, float("nan")),
            "p99_ms": out.percentiles_ms.get(99, float("nan")),
            "cpu_ms_per_request": round(self.cpu_ms_per_request, 2),
            "failures": self.failures,
        }


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def lua_script(paths: list[str], headers: dict[str, str], threads: int = 1) -> str:
    """A wrk script sending ``paths`` in turn; thread ``i`` sends paths ``i``, ``i + threads``, …"""
    lines = [f"wrk.headers[{_lua_string(name)}] = {_lua_string(value)}" for name, value in headers.items()]
    lines.append("local paths = {" + ", ".join(_lua_string(path) for path in paths) + "}")
    lines.append(f"local step = {threads}")
    lines.append(
        """
local started, counter = 0, 0
function setup(thread)
  thread:set("first", started)
  started = started + 1
end
function init(args)
  counter = first
end
function request()
  local path = paths[(counter % #paths) + 1]
  counter = counter + step
  return wrk.format(nil, path)
end
"""
    )
    return "\n".join(lines)


def run(
    name: str,
    base_url: str,
    paths: list[str],
    *,
    headers: dict[str, str],
    server_pid: int,
    connections: int = 16,
    threads: int = 1,
    seconds: float = 10,
) -> LoadResult:
    """Load ``base_url`` with wrk for ``seconds``; ``paths`` are sent in turn (one path: the same each time)."""
    script = lua_script(paths, headers, threads)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    command = [
        wrk_path(),
        "--latency",
        f"--connections={connections}",
        f"--threads={threads}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=60s",
        f"--script={file.name}",
        base_url,
    ]
    try:
        wait_idle(server_pid)
        cpu_before = cpu_seconds(server_pid)
        finished = subprocess.run(command, capture_output=True, text=True, check=True)
        wait_idle(server_pid)
        cpu_after = cpu_seconds(server_pid)
    finally:
        os.unlink(file.name)
    return LoadResult(name, connections, parse_wrk(finished.stdout), cpu_after - cpu_before)
