"""The PWA's JSDoc types hold: TypeScript checks the pages' modules (web/jsconfig.json, DOM) and
the service worker (web/jsconfig.sw.json, WebWorker) in noEmit mode.

``tsc`` comes from the root package.json (``npm ci``); without it this test skips, except in CI
(``SYNCLOG_REQUIRE_BROWSER=1``), where it fails.
"""

from __future__ import annotations

import subprocess

from tests.web.conftest import NODE_MODULES, WEB, required_tool

CONFIGS = ["jsconfig.json", "jsconfig.sw.json"]


def test_web_modules_and_service_worker_type_check() -> None:
    tsc = required_tool(NODE_MODULES / ".bin" / "tsc", "TypeScript's tsc")
    checks = [
        subprocess.Popen(  # noqa: S603 - the TypeScript compiler on our own files
            [str(tsc), "-p", str(WEB / config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for config in CONFIGS
    ]
    failures = {}
    for config, check in zip(CONFIGS, checks, strict=True):
        output, _ = check.communicate(timeout=180)
        if check.returncode != 0:
            failures[config] = output
    assert failures == {}
