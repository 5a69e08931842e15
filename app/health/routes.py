"""``/healthz`` (the process is alive), ``/readyz`` (database reachable, schema at head), ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from app.api.deps import DatabaseDep, SettingsDep
from app.core import metrics
from app.core.migrations import is_at_head

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is alive")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Ready to serve: the database answers and its schema is at the newest migration",
    responses={503: {"description": "Not ready"}},
)
def readyz(database: DatabaseDep, settings: SettingsDep) -> JSONResponse:
    try:
        ready = is_at_head(database.read_engine, settings.database_url)
        reason = "ok" if ready else "migrations are not at head; run `synclog migrate`"
    except SQLAlchemyError as exc:
        ready, reason = False, f"database unreachable: {type(exc).__name__}"
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", "detail": reason}, status_code=200 if ready else 503
    )


@router.get(
    "/metrics",
    summary="Prometheus metrics of this process",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text exposition format"}},
)
def prometheus_metrics() -> Response:
    return Response(metrics.render(), media_type=metrics.CONTENT_TYPE)
