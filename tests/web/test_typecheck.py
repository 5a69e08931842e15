"""The PWA's JSDoc types hold: TypeScript checks web/js in noEmit mode (web/jsconfig.json)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "web"


def test_web_modules_type_check() -> None:
    tsc = shutil.which("tsc")
    if tsc is None:
        pytest.skip("TypeScript's tsc is not installed (npm install -g typescript)")
    result = subprocess.run(  # noqa: S603 - the TypeScript compiler on our own files
        [tsc, "-p", str(WEB / "jsconfig.json")], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
