"""Baseline (b) of ``bench.baselines`` under the same wrk load as Synclog, in its own process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import processes
from bench.api_bench import Plan, log, measure, quick_log_target
from bench.lua import Target

NAME = "(b) FastAPI + pydantic + one SQLite insert/select"


def run(work_dir: Path, plan: Plan) -> dict[str, Any]:
    """Peak and half-peak figures of baseline (b)'s ``POST /entries``, ``GET /entries`` (50 newest) and ``/healthz``."""
    server = processes.start_baseline("fastapi_app", work_dir / "baseline.db", work_dir)
    operations = {
        "post": quick_log_target("/entries", {}),
        "get": Target(paths=("/entries",)),
        "healthz": Target(paths=("/healthz",)),
    }
    try:
        log(f"baseline {NAME}")
        endpoints = {name: measure(server, f"(b) {name}", target, plan) for name, target in operations.items()}
        for measured in endpoints.values():
            del measured["answered_2xx"]
        return {"name": NAME, "endpoints": endpoints, "log_problems": server.problems()}
    finally:
        server.stop()
