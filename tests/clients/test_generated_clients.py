"""Clients generated from the OpenAPI document, as an integrator would make them, work against a live server.

openapi-python-client (no warning) generates ``synclog_client``; ``python_program.py`` passes ``mypy --strict``
with it and runs against a real ``synclog serve`` on each engine. openapi-typescript (default options) generates
the types that ``typescript/program.ts`` uses; ``tsc --strict`` checks it, and node runs it against the server.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.cli.openapi import write_document
from bench.processes import ServerProcess
from tests.factories import sign_up

# One test process generates and type-checks each client once, then runs it on every engine.
pytestmark = pytest.mark.xdist_group("generated-clients")
HERE = Path(__file__).parent
ROOT = HERE.parents[1]
BIN = Path(sys.executable).parent
NODE_BIN = ROOT / "node_modules" / ".bin"


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(  # noqa: S603 - pinned generators and compilers on our own files
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"{command[0]}: {done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    write_document(path)
    return path


@pytest.fixture(scope="module")
def python_client(document: Path) -> Path:
    """A directory holding the generated ``synclog_client`` package and the program, type-checked."""
    directory = document.parent / "python"
    directory.mkdir()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}  # its ruff formats the client
    output = _run(
        BIN / "openapi-python-client",
        "generate",
        "--path",
        document,
        "--output-path",
        directory / "synclog_client",
        "--meta",
        "none",
        "--config",
        HERE / "openapi-python-client.yaml",
        "--fail-on-warning",
        cwd=directory,
        env=env,
    )
    assert "Warning" not in output, output
    shutil.copy(HERE / "python_program.py", directory)
    _run(
        BIN / "mypy",
        "--strict",
        "--no-incremental",
        "--config-file",
        HERE / "mypy-generated.ini",
        "python_program.py",
        cwd=directory,
        env={**env, "MYPYPATH": str(directory)},
    )
    return directory


@pytest.fixture(scope="module")
def typescript_client(document: Path) -> Path:
    """The TypeScript program beside the types openapi-typescript generates, compiled by ``tsc --strict``."""
    if not (NODE_BIN / "openapi-typescript").exists():
        pytest.fail("node tools are missing: run npm ci (make test does)")
    directory = document.parent / "typescript"
    directory.mkdir()
    output = _run(
        NODE_BIN / "openapi-typescript",
        document,
        "--output",
        directory / "synclog-api.d.ts",
        "--redocly",
        ROOT / "redocly.yaml",
        cwd=directory,
    )
    assert "warn" not in output.lower(), output
    for name in ("program.ts", "tsconfig.json"):
        shutil.copy(HERE / "typescript" / name, directory)
    _run(NODE_BIN / "tsc", "-p", directory / "tsconfig.json", cwd=directory)
    return directory


EXPECTED = {
    "timeline": ["a heron again", "a heron"],
    "etag": '"2"',
    "stale": [412, "precondition_failed", 2, "keep going"],
    "changes": ["goal", "entry", "entry"],
    "push": [["op-1", 201, None], ["op-2", 412, "precondition_failed"]],
}


def test_the_generated_python_client_runs_the_program(python_client: Path, shared_server: ServerProcess) -> None:
    token = sign_up(shared_server.url)
    output = _run(
        sys.executable,
        "python_program.py",
        shared_server.url,
        token,
        cwd=python_client,
        env={**os.environ, "PYTHONPATH": str(python_client)},
    )
    seen: dict[str, Any] = json.loads(output)
    assert seen == EXPECTED


def test_the_generated_typescript_types_run_the_program(typescript_client: Path, shared_server: ServerProcess) -> None:
    token = sign_up(shared_server.url)
    output = _run("node", typescript_client / "build" / "program.js", shared_server.url, token, cwd=typescript_client)
    seen: dict[str, Any] = json.loads(output)
    assert seen == EXPECTED
