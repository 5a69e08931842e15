"""Real ``synclog serve`` processes on free loopback ports, for tests over real HTTP."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

SYNCLOG = shutil.which("synclog", path=str(Path(sys.executable).parent)) or "synclog"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """One running ``synclog serve``; ``stop()`` sends SIGTERM and waits for a graceful exit."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_server(
    database_url: str,
    log_dir: Path,
    *,
    env: Mapping[str, str] | None = None,
    workers: int = 1,
    timeout: float = 60,
) -> Server:
    """Start ``synclog serve`` against ``database_url`` and wait until ``/healthz`` answers."""
    port = free_port()
    log_path = log_dir / f"synclog-{port}.log"
    full_env = {
        **os.environ,
        "SYNCLOG_DATABASE_URL": database_url,
        "SYNCLOG_RATE_LIMITS": "off",
        **(env or {}),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own console script
            [SYNCLOG, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=full_env,
        )
    server = Server(process=process, port=port, log_path=log_path, env=dict(env or {}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"synclog serve exited early:\n{server.log()}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"synclog serve did not become healthy in {timeout} s:\n{server.log()}")
