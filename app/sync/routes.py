"""HTTP routes of offline sync: ``GET /changes`` and ``POST /sync/push``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic_core import to_json
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.api.deps import CurrentPrincipal, DatabaseDep, Principal, RequireScope, SessionDep
from app.api.problems import problem_body, problem_responses
from app.auth.models import User
from app.core.database import Database
from app.core.errors import Conflict, ProblemError
from app.sync import service
from app.sync.models import ChangesPage, PushOp, PushRequest, PushResponse, PushResult

router = APIRouter(tags=["sync"])

EntriesReader = Annotated[Principal, RequireScope("entries:read")]
GoalsReader = Annotated[Principal, RequireScope("goals:read")]


@router.get(
    "/changes",
    response_model=ChangesPage,
    responses=problem_responses(400, 401, 403, 422, 429),
    summary="Goals and entries changed after a cursor, oldest change first",
)
async def list_changes(
    principal: EntriesReader,
    _goals: GoalsReader,
    session: SessionDep,
    database: DatabaseDep,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page; none to start over.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    page = await run_in_threadpool(_read_changes, session, database, user=principal.user, cursor=cursor, limit=limit)
    # Plain values with ChangesPage's fields and types: pydantic writes them as it writes the model.
    return Response(to_json(page), media_type="application/json")


def _read_changes(
    session: Session, database: Database, *, user: User, cursor: str | None, limit: int
) -> dict[str, Any]:
    # Signing in was the request's transaction; end it, so a call holds one pooled connection, not two.
    session.commit()
    # Its own session: the whole page is read from one snapshot (see service.list_changes).
    with database.read_session() as snapshot:
        return service.list_changes(snapshot, user=user, cursor=cursor, limit=limit)


def _target(request: Request, op: PushOp) -> service.OpTarget:
    name, param = ("read_entry", "entry_id") if op.type == "entry" else ("read_goal", "goal_id")
    return service.OpTarget(
        path=str(request.app.url_path_for(name, **{param: str(op.id)})),
        location=str(request.url_for(name, **{param: str(op.id)})),
    )


def _failed(op: PushOp, error: ProblemError) -> PushResult:
    return PushResult(
        op_id=op.op_id, status=error.status, error=problem_body(error.status, error.code, error.detail, error.extra)
    )


@router.post(
    "/sync/push",
    response_model_exclude_none=True,
    responses=problem_responses(401, 403, 413, 422, 429),
    summary="Apply queued writes in order, each as its single request with Idempotency-Key: op_id",
)
def push(
    body: PushRequest, request: Request, principal: CurrentPrincipal, session: SessionDep, database: DatabaseDep
) -> PushResponse:
    # Signing in was the request's transaction; end it here, since every op commits in a transaction of its own.
    session.commit()
    results: list[PushResult] = []
    for op in body.ops:
        try:
            with database.write_transaction() as op_session:
                result = service.apply_op(op_session, principal=principal, op=op, target=_target(request, op))
        except ProblemError as error:
            result = _failed(op, error)
        except IntegrityError:
            # Two writers created the same id at once; the op can simply be sent again.
            result = _failed(op, Conflict("The object was created concurrently; send the op again."))
        results.append(result)
    return PushResponse(results=results)
