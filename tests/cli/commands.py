"""The ``synclog`` command in tests: in this process (fast, cheap hashing), or as a user runs it, as a process."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from click.testing import CliRunner

from app.cli import main
from bench.processes import SYNCLOG


def run(database_url: str, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """``synclog ARGS`` in this process against ``database_url``: (exit status, stdout, stderr)."""
    result = CliRunner().invoke(main, list(args), input=stdin, env={"SYNCLOG_DATABASE_URL": database_url})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def run_installed(database_url: str, cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The installed ``synclog`` console script, run from ``cwd`` as a user would."""
    env = {**os.environ, "SYNCLOG_DATABASE_URL": database_url}
    return subprocess.run(  # noqa: S603 - our own console script
        [SYNCLOG, *args], env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=120, check=False
    )
