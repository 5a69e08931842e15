"""``/healthz`` (the process is alive), ``/readyz`` (database reachable, schema at head), ``/metrics``."""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

from app.api.deps import DatabaseDep, RateLimitsDep, SettingsDep
from app.api.problems import problem_responses
from app.core import metrics
from app.core.migrations import is_at_head

router = APIRouter(tags=["operations"])
# Headers a reverse proxy adds: a request carrying one came from elsewhere, whatever its peer address.
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


@router.get("/healthz", summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Ready to serve: the database answers and its schema is at the newest migration",
    responses={503: {"description": "Not ready"}},
)
def readyz(database: DatabaseDep, settings: SettingsDep, rate_limits: RateLimitsDep) -> JSONResponse:
    """`{status, detail}`, plus `redis: "ok"` or `"down"` when rate limits are shared through Redis.

    Redis down does not make the server unready: rate limits then let requests through.
    """
    try:
        ready = is_at_head(database.read_engine, settings.database_url)
        reason = "ok" if ready else "migrations are not at head; run `synclog migrate`"
    except SQLAlchemyError as exc:
        ready, reason = False, f"database unreachable: {type(exc).__name__}"
    body = {"status": "ok" if ready else "unavailable", "detail": reason}
    redis = rate_limits.store_reachable()
    if redis is not None:
        body["redis"] = "ok" if redis else "down"
    return JSONResponse(body, status_code=200 if ready else 503)


def may_read_metrics(request: Request, token: str | None) -> bool:
    """A loopback client that no proxy forwarded, or anyone with ``Authorization: Bearer <METRICS_TOKEN>``."""
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if token is not None and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return True
    if any(name in request.headers for name in PROXY_HEADERS) or request.client is None:
        return False
    try:
        return ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:
        return False


@router.get(
    "/metrics",
    summary="Prometheus metrics of this process",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {}}, "description": "Prometheus text exposition format"},
        **problem_responses(404),
    },
)
def prometheus_metrics(request: Request, settings: SettingsDep) -> Response:
    """Answered only to loopback clients, or with `Authorization: Bearer` and the server's metrics token; else 404."""
    if not may_read_metrics(request, settings.metrics_token):
        raise HTTPException(status_code=404)  # the same answer as a path that does not exist
    return Response(metrics.render(), media_type=metrics.CONTENT_TYPE)
