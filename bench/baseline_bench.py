"""Driving the baselines of ``bench.baselines`` with the same load as Synclog."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import load, processes
from bench.api_bench import QUICK_LOG_BODY, Plan, log, measure

BASELINES = {
    "raw_app": "(a) raw ASGI + sqlite3",
    "fastapi_app": "(b) FastAPI + pydantic + sqlite3",
}


async def run(app: str, work_dir: Path, plan: Plan) -> dict[str, Any]:
    """Peak POST and GET throughput of one baseline (the GET answers the 50 newest rows)."""
    server = processes.start_baseline(app, work_dir / f"{app}.db", work_dir)
    body = json.dumps(QUICK_LOG_BODY).encode()
    try:
        log(f"baseline {BASELINES[app]}")

        def post() -> load.Request:
            return load.Request("POST", server.url + "/entries", {"Content-Type": "application/json"}, body)

        def newest() -> load.Request:
            return load.Request("GET", server.url + "/entries")

        return {
            "name": BASELINES[app],
            "endpoints": {
                "post": await measure(f"{app} POST /entries", post, plan, half_peak=False),
                "get": await measure(f"{app} GET /entries (50 newest)", newest, plan, half_peak=False),
            },
            "log_problems": server.problems(),
        }
    finally:
        server.stop()
