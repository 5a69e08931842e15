"""Redocly's linter (pinned in package.json, rules in redocly.yaml) finds nothing in the OpenAPI document."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.cli.openapi import write_document

ROOT = Path(__file__).resolve().parents[2]
REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"


def test_redocly_finds_no_problem(tmp_path: Path) -> None:
    if not REDOCLY.exists():
        pytest.fail("node tools are missing: run npm ci (make test does)")
    document = tmp_path / "openapi.json"
    write_document(document)
    config = ROOT / "redocly.yaml"
    done = subprocess.run(  # noqa: S603 - the pinned linter on our own document
        [REDOCLY, "lint", document, "--config", config, "--format", "stylish"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Your API description is valid" in output, output  # no error, and (recommended-strict) no warning
