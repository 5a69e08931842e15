"""``wrk`` in its own process against a server under test, and the server's CPU time per request.

wrk is a native load generator, so the figures measure the server, not a Python client
sharing its cores. Two ways to load a server:

- **closed loop** (``closed``): each connection sends its next request as soon as the last
  is answered: peak throughput, and the latency at that peak from wrk's own report;
- **paced** (``paced``): one wrk thread per connection, each sending on a fixed schedule
  (the rate split evenly across connections) through the Lua ``delay()`` hook. A request
  sent late because its connection was still waiting counts its latency from the moment it
  was due (as wrk2 does), so a stalled server cannot hide its queue. The script writes every
  latency to a file and ``percentile`` reads them here.

Requests come from a generated Lua script (``lua.script``): paths in turn, a method and a
body, and optionally a header given a value never sent before (an ``Idempotency-Key``).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.lua import Target, script

INSTALL_HINT = "wrk is not installed: apt-get install wrk (Debian/Ubuntu) or brew install wrk (macOS)"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}

__all__ = ["Background", "Target", "closed", "paced", "run", "wrk_path"]


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


def percentile(values: list[float], share: float) -> float:
    """The ``share``-th percentile of ``values`` by nearest rank (the smallest value with ``share`` % at or below)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(share / 100 * len(ordered)))
    return ordered[rank - 1]


def unanswered(rate: float, seconds: float, *, answered: int, connections: int) -> int:
    """Requests a paced run had due in ``seconds`` that got no answer: the rate's due count less those answered and
    two per connection (its schedule starts up to one interval late, and one may be in flight when wrk stops).

    wrk writes a latency only for an answer, so without these a server that stalled would show only the
    requests it did answer, or none at all.
    """
    return max(0, math.floor(rate * seconds) - answered - 2 * connections)


def unanswered_bounds_ms(rate: float, count: int) -> list[float]:
    """The least latencies ``count`` unanswered requests of a run paced at ``rate`` can have, in ms.

    Requests fall due ``1 / rate`` apart, so the ``i``-th latest due of them was due at least ``i / rate``
    before wrk stopped, and had waited at least that long.
    """
    return [index * 1000 / rate for index in range(1, count + 1)]


def read_latencies_ms(path: Path) -> list[float]:
    """The latencies a paced script wrote to ``<path>.<thread>``, one a line in microseconds, in milliseconds."""
    files = sorted(path.parent.glob(path.name + ".*"))
    return [float(line) / 1000 for each in files for line in each.read_text().split()]


def _stat_fields(stat: str) -> list[str]:
    # The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
    return stat.rsplit(")", 1)[1].split()


def cpu_seconds_of_stat(stat: str) -> float:
    """``utime + stime`` (fields 14 and 15 of proc(5)) of one ``/proc/<pid>/stat`` line, in seconds."""
    fields = _stat_fields(stat)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def process_tree(root: int, parents: dict[int, int]) -> list[int]:
    """``root`` and its descendants, given each process's parent."""
    children: dict[int, list[int]] = defaultdict(list)
    for pid, parent in parents.items():
        children[parent].append(pid)
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, ()))
    return sorted(found)


def _read_stats() -> dict[int, str]:
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):  # gone meanwhile
                stats[int(entry.name)] = (entry / "stat").read_text()
    return stats


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of ``pid`` and its live descendants (``--workers`` processes), from ``/proc``."""
    stats = _read_stats()
    parents = {each: int(_stat_fields(stat)[1]) for each, stat in stats.items()}
    return sum(cpu_seconds_of_stat(stats[each]) for each in process_tree(pid, parents) if each in stats)


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
    requests answered and the one each connection still had in flight when wrk stopped. A paced
    run's ``latencies_ms`` count from when each request was due; a closed run's come from wrk.
    """

    name: str
    connections: int
    output: WrkOutput
    server_cpu_seconds: float
    target_rate: float | None = None
    latencies_ms: list[float] = field(default_factory=list, repr=False)

    @property
    def cpu_ms_per_request(self) -> float:
        served = self.output.requests + self.connections
        return self.server_cpu_seconds * 1000 / served

    @property
    def answered_2xx(self) -> int:
        return self.output.requests - self.output.non_2xx

    @property
    def failures(self) -> int:
        return self.output.non_2xx + self.output.socket_errors

    @property
    def unanswered(self) -> int:
        """A paced run's requests due in its window but never answered (0 for a closed run); see ``unanswered``."""
        if self.target_rate is None:
            return 0
        answered = len(self.latencies_ms)
        return unanswered(self.target_rate, self.output.seconds, answered=answered, connections=self.connections)

    def latency_ms(self, share: int) -> float:
        """The ``share``-th percentile; a paced run's unanswered requests count with ``unanswered_bounds_ms``, so
        with any of them it is a lower bound."""
        if self.target_rate is not None:
            bounds = unanswered_bounds_ms(self.target_rate, self.unanswered)
            return percentile(self.latencies_ms + bounds, share)
        return self.output.percentiles_ms.get(share, math.nan)

    def row(self) -> dict[str, float | int | str | None]:
        out = self.output
        return {
            "name": self.name,
            "connections": self.connections,
            "target_rate": self.target_rate,
            "requests": out.requests,
            "rate": round(out.rate, 1),
            "p50_ms": round(self.latency_ms(50), 2),
            "p99_ms": round(self.latency_ms(99), 2),
            "cpu_ms_per_request": round(self.cpu_ms_per_request, 3),
            "failures": self.failures,
            "unanswered": self.unanswered,
        }


def _command(base_url: str, lua: Path, *, connections: int, threads: int, seconds: float) -> list[str]:
    return [
        wrk_path(),
        "--latency",
        f"--connections={connections}",
        f"--threads={threads}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=60s",
        f"--script={lua}",
        base_url,
    ]


def _wrk(
    name: str,
    base_url: str,
    target: Target,
    *,
    server_pid: int,
    connections: int,
    threads: int,
    seconds: float,
    rate: float | None = None,
    settle: bool = True,
) -> LoadResult:
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        latencies = Path(folder) / "latencies"
        lua = Path(folder) / "load.lua"
        interval_us = connections * 1_000_000 / rate if rate else None
        lua.write_text(script(target, threads=threads, interval_us=interval_us, latencies_file=latencies))
        command = _command(base_url, lua, connections=connections, threads=threads, seconds=seconds)
        if settle:
            wait_idle(server_pid)
        cpu_before = cpu_seconds(server_pid)
        finished = subprocess.run(command, capture_output=True, text=True, check=True)
        if settle:
            wait_idle(server_pid)
        cpu_after = cpu_seconds(server_pid)
        measured = read_latencies_ms(latencies) if rate else []
    output = parse_wrk(finished.stdout)
    return LoadResult(name, connections, output, cpu_after - cpu_before, rate, measured)


def closed(
    name: str, base_url: str, target: Target, *, server_pid: int, connections: int, seconds: float
) -> LoadResult:
    """Peak throughput: ``connections`` kept busy for ``seconds`` by one wrk thread."""
    return _wrk(name, base_url, target, server_pid=server_pid, connections=connections, threads=1, seconds=seconds)


def paced_connections(rate: float, connections: int) -> int:
    """The connections a paced run at ``rate`` uses: ``connections``, or fewer, each sending every 0.5 s or more."""
    return max(1, min(connections, math.floor(rate * 2)))


def paced(
    name: str,
    base_url: str,
    target: Target,
    *,
    server_pid: int,
    rate: float,
    connections: int,
    seconds: float,
    settle: bool = True,
) -> LoadResult:
    """``rate`` requests a second over ``connections`` (a wrk thread each); latencies count from when each was due.

    At most two connections per request a second: a connection idle longer than the server's
    keep-alive timeout (uvicorn's 5 s) would be closed under it. ``settle=False`` starts at once
    and does not wait for the server to be idle (other load runs beside it); its CPU figure then
    counts that load too.
    """
    connections = paced_connections(rate, connections)
    return _wrk(
        name,
        base_url,
        target,
        server_pid=server_pid,
        connections=connections,
        threads=connections,
        seconds=seconds,
        rate=rate,
        settle=settle,
    )


class Background:
    """A closed-loop wrk run in the background (load beside a measurement, not the measurement).

    ``start`` returns at once; ``finish`` waits for wrk's ``seconds`` to end and parses its report.
    """

    def __init__(self, base_url: str, target: Target, *, connections: int, seconds: float) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="bench-wrk-")
        lua = Path(self._folder.name) / "load.lua"
        lua.write_text(script(target))
        command = _command(base_url, lua, connections=connections, threads=1, seconds=seconds)
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def finish(self, timeout: float = 120) -> WrkOutput:
        """wrk's report once it has ended; ``RuntimeError`` with its output if it failed."""
        try:
            stdout, stderr = self._process.communicate(timeout=timeout)
        finally:
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait()
            self._folder.cleanup()
        if self._process.returncode != 0:
            raise RuntimeError(f"wrk failed ({self._process.returncode}): {stderr or stdout}")
        return parse_wrk(stdout)


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
    """Closed-loop ``GET`` of ``paths`` in turn (one path: the same each time), with ``headers``."""
    target = Target(paths=tuple(paths), headers=headers)
    return _wrk(
        name, base_url, target, server_pid=server_pid, connections=connections, threads=threads, seconds=seconds
    )
