"""Server processes on free loopback ports: ``synclog serve`` and the baselines, for the benchmarks and the tests.

``start`` runs a command and polls a path until it answers 200; ``start_synclog`` is ``synclog serve``
(the tests run it with cheap password hashing through ``synclog=``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
SYNCLOG = shutil.which("synclog", path=str(BIN)) or "synclog"
REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rss_bytes(pid: int) -> int:
    """Resident set size of ``pid`` from ``/proc/<pid>/status`` (``VmRSS``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


@dataclass
class ServerProcess:
    """One HTTP server under test; its output goes to ``log_path``."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss(self) -> int:
        return rss_bytes(self.pid)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def problems(self) -> dict[str, int]:
        """Counts of what must never appear in a server log under load."""
        text = self.log()
        return {
            "database is locked": text.count("database is locked"),
            "tracebacks": text.count("Traceback (most recent call last)"),
        }

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        """Send ``sig`` (SIGTERM: a graceful exit), kill after ``timeout`` seconds; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start(
    name: str,
    command: Sequence[str],
    *,
    port: int,
    log_dir: Path,
    env: Mapping[str, str],
    ready_path: str,
    cwd: Path = REPO,
    timeout: float = 60,
) -> ServerProcess:
    """Start ``command`` (already bound to ``port``) with exactly ``env``; wait until ``ready_path`` answers 200.

    Raises ``RuntimeError`` with the process's output if it exits or is not ready within ``timeout`` seconds.
    """
    log_path = log_dir / f"{name}-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(list(command), stdout=log, stderr=subprocess.STDOUT, env=dict(env), cwd=cwd)
    server = ServerProcess(name=name, process=process, port=port, log_path=log_path)
    deadline = time.monotonic() + timeout
    # One client for every poll: making one (its TLS context) costs ~20 ms of CPU, as much as the server
    # it waits for could use; polled every 50 ms, new clients kept a core a third busy while it started.
    with httpx.Client(timeout=1) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited early:\n{server.log()}")
            try:
                if client.get(server.url + ready_path).status_code == 200:
                    return server
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"{name} did not become ready in {timeout} s:\n{server.log()}")


def start_synclog(
    database_url: str,
    log_dir: Path,
    *,
    env: Mapping[str, str] | None = None,
    workers: int = 1,
    synclog: Sequence[str] = (SYNCLOG,),
    cwd: Path = REPO,
) -> ServerProcess:
    """``synclog serve`` on a free port once ``/healthz`` answers; rate limits off unless ``env`` turns them on.

    Off by default, as they would cap one user at 50 requests/s. ``synclog`` is the command that runs the CLI,
    in ``cwd`` (another checkout's root runs that checkout's code).
    """
    port = free_port()
    full_env = {
        **os.environ,
        "SYNCLOG_DATABASE_URL": database_url,
        "SYNCLOG_RATE_LIMITS": "off",
        **(env or {}),
    }
    command = [*synclog, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    return start("synclog", command, port=port, log_dir=log_dir, env=full_env, ready_path="/healthz", cwd=cwd)


def start_baseline(app: str, database_path: Path, log_dir: Path) -> ServerProcess:
    """A baseline app served by uvicorn exactly as ``synclog serve`` runs it (1 worker, auto loop and parser)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        f"bench.baselines:{app}",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "info",
        "--proxy-headers",
    ]
    env = {**os.environ, "BENCH_BASELINE_DB": str(database_path)}
    return start(app, command, port=port, log_dir=log_dir, env=env, ready_path="/healthz")


def synclog_cli(args: Sequence[str], *, database_url: str, stdin: str | None = None) -> str:
    """Run one ``synclog`` command against ``database_url``; its standard output."""
    result = subprocess.run(
        [SYNCLOG, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "SYNCLOG_DATABASE_URL": database_url},
        cwd=REPO,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"synclog {' '.join(args)} failed: {result.stderr or result.stdout}")
    return result.stdout
