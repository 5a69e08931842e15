"""Server processes on free loopback ports: ``synclog serve`` and the baselines, for the benchmarks and the tests.

``start`` runs a command and polls a path until it answers 200; ``start_synclog`` is ``synclog serve``
(the tests run it with cheap password hashing through ``synclog=``).
"""

from __future__ import annotations

import argparse
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
# The code under test (this checkout): targets apply to it, not to the checkouts it is compared with.
AFTER = "after"


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


# ``bench.summary_bench.seed_heavy(database_url, Heavy(entries=N))``: the same call in every checkout from
# 67d5e1c (where issue 17's work began) on, whatever schema that checkout has.
SEED_HEAVY = (
    "import sys; from bench.summary_bench import Heavy, seed_heavy; "
    "seed_heavy(sys.argv[1], Heavy(entries=int(sys.argv[2])))"
)


@dataclass(frozen=True)
class Code:
    """The Synclog a case runs: this checkout (``after``) or another one, by its root folder."""

    label: str
    root: Path

    @property
    def command(self) -> tuple[str, ...]:
        return (sys.executable, "-c", "from app.cli import main; main()")

    @property
    def env(self) -> dict[str, str]:
        return {"PYTHONPATH": str(self.root)}

    def cli(self, args: list[str], *, database_url: str, stdin: str | None = None) -> str:
        """One ``synclog`` command of this code against ``database_url``; its standard output."""
        return self._run([*self.command, *args], f"synclog {' '.join(args)}", database_url=database_url, stdin=stdin)

    def seed_heavy(self, database_url: str, entries: int) -> None:
        """The heavy log's user with ``entries`` entries, by this code's own seeder and migrations (each version
        fills its own schema), in a process of its own. Raises ``RuntimeError`` with its output if it fails."""
        self._run(
            [sys.executable, "-c", SEED_HEAVY, database_url, str(entries)], "seed_heavy", database_url=database_url
        )

    def _run(self, command: list[str], what: str, *, database_url: str, stdin: str | None = None) -> str:
        result = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            text=True,
            env={**os.environ, **self.env, "SYNCLOG_DATABASE_URL": database_url},
            cwd=self.root,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{what} ({self.label}) failed: {result.stderr or result.stdout}")
        return result.stdout

    def revision(self) -> str:
        found = subprocess.run(
            ["git", "-C", str(self.root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        )
        return found.stdout.strip() or "?"


UNDER_TEST = Code(AFTER, REPO)


def parse_code(text: str) -> Code:
    """``--compare LABEL=DIR``: another checkout of Synclog and what the report calls it."""
    label, separator, root = text.partition("=")
    if not separator or not label or not root:
        raise argparse.ArgumentTypeError(f"not LABEL=DIR: {text!r}")
    if label == AFTER:
        raise argparse.ArgumentTypeError(f"{AFTER!r} is the code under test: give another label")
    return Code(label, Path(root))
