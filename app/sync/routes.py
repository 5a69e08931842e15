"""HTTP routes of offline sync: ``GET /changes`` and ``POST /sync/push``."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from pydantic import ValidationError as ModelValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.api.deps import RequireScope, SessionDep, SignedIn, SignedInDep
from app.api.keyed_writes import WriteRequest, canonical_json, keyed_write, purge_due
from app.api.preconditions import expected_version
from app.api.problems import problem_body, problem_responses, validation_problem
from app.auth.models import Account
from app.core.bodies import QueryText
from app.core.database import commit, transaction
from app.core.errors import Conflict, ProblemError
from app.core.synced import ExpectedVersion, Written
from app.entries import goal_links
from app.entries import service as entries_service
from app.entries.models import EntryPatch, EntryReplace
from app.entries.routes import ENTRY
from app.goals import service as goals_service
from app.goals.models import GoalPatch, GoalReplace
from app.goals.routes import GOAL
from app.pauses import service as pauses_service
from app.pauses.models import PausePatch, PauseReplace
from app.pauses.routes import PAUSE
from app.sync import service
from app.sync.models import ChangesPage, EntryOp, GoalOp, PauseOp, PushRequest, PushResponse, PushResult

router = APIRouter(tags=["sync"])

EntriesReader = Annotated[Account, RequireScope("entries:read")]
GoalsReader = Annotated[Account, RequireScope("goals:read")]
WRITE_SCOPES = {"goal": "goals:write", "entry": "entries:write", "pause": "goals:write"}
RESOURCES = {"goal": GOAL, "entry": ENTRY, "pause": PAUSE}
Body = TypeVar("Body", bound=BaseModel)
Op = GoalOp | EntryOp | PauseOp


@router.get(
    "/changes",
    response_model=ChangesPage,
    responses=problem_responses(400, 401, 403, 422, 429),
    summary="Goals, entries and pauses changed after a cursor, oldest change first",
)
async def list_changes(
    user: EntriesReader,
    _goals: GoalsReader,
    session: SessionDep,
    cursor: Annotated[
        QueryText | None, Query(description="`next_cursor` of the previous page; none to start over.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    page = await run_in_threadpool(service.list_changes, session, user_id=user.id, cursor=cursor, limit=limit)
    return Response(page, media_type="application/json")


def _body(model: type[Body], data: dict[str, Any] | None) -> Body:
    """An op's ``data`` as the single request's body, refused as that request would refuse it."""
    if data is None:
        raise validation_problem([{"loc": (), "msg": "Field required", "type": "missing"}], under=("body",))
    try:
        return model.model_validate(data)
    except ModelValidationError as error:
        raise validation_problem(error.errors(), under=("body",)) from error


def _write(session: Session, op: Op, signed_in: SignedIn, expected: ExpectedVersion | None) -> Written[Any]:
    """Write what the op's single request would: the same service call with the same values."""
    user = signed_in.account
    if op.type == "entry":
        if op.method == "PUT":
            body = _body(EntryReplace, op.data)
            return entries_service.replace_entry(
                session, user=user, source=signed_in.principal.source, entry_id=op.id, body=body, expected=expected
            )
        if op.method == "PATCH":
            patch = _body(EntryPatch, op.data)
            return entries_service.patch_entry(session, user=user, entry_id=op.id, patch=patch, expected=expected)
        return entries_service.delete_entry(session, user_id=user.id, entry_id=op.id, expected=expected)
    if op.type == "pause":
        return _write_pause(session, op, user.id, expected)
    if op.method == "PUT":
        goal = _body(GoalReplace, op.data)
        return goals_service.replace_goal(session, user_id=user.id, goal_id=op.id, body=goal, expected=expected)
    if op.method == "PATCH":
        goal_patch = _body(GoalPatch, op.data)
        return goals_service.patch_goal(session, user_id=user.id, goal_id=op.id, patch=goal_patch, expected=expected)
    return goal_links.delete_goal(session, user_id=user.id, goal_id=op.id, expected=expected)


def _write_pause(session: Session, op: PauseOp, user_id: uuid.UUID, expected: ExpectedVersion | None) -> Written[Any]:
    if op.method == "PUT":
        body = _body(PauseReplace, op.data)
        return pauses_service.replace_pause(session, user_id=user_id, pause_id=op.id, body=body, expected=expected)
    if op.method == "PATCH":
        patch = _body(PausePatch, op.data)
        return pauses_service.patch_pause(session, user_id=user_id, pause_id=op.id, patch=patch, expected=expected)
    return pauses_service.delete_pause(session, user_id=user_id, pause_id=op.id, expected=expected)


def _failed(op: Op, error: ProblemError) -> PushResult:
    return PushResult(
        op_id=op.op_id, status=error.status, error=problem_body(error.status, error.code, error.detail, error.extra)
    )


def _apply(request: Request, session: Session, signed_in: SignedIn, op: Op) -> PushResult:
    """Apply one op in a transaction of its own, exactly as ``op.method`` with ``Idempotency-Key: op.op_id``."""
    resource = RESOURCES[op.type]
    body = "" if op.data is None else canonical_json(op.data)
    keyed = WriteRequest(op.method, resource.path(request, op.id), body, op.op_id)
    try:
        signed_in.principal.require(WRITE_SCOPES[op.type])
        expected = expected_version(op.if_match, "if_match")
        with transaction(session):
            answer = keyed_write(
                session,
                user_id=signed_in.account.id,
                request=keyed,
                # The op's data is read as its single request's body, once its key is claimed.
                write=lambda: _write(session, op, signed_in, expected),
                locate=partial(resource.url, request),
                may_read=resource.read_scope in signed_in.principal.scopes,
                # Pushed ops purge expired keys too, like keyed requests (at most once an hour a process).
                purge=purge_due(request),
            )
    except ModelValidationError as error:  # a merge patch that leaves the object invalid
        return _failed(op, validation_problem(error.errors(), under=("body",)))
    except ProblemError as error:
        return _failed(op, error)
    except IntegrityError:
        # Two writers created the same id at once; the op can simply be sent again.
        return _failed(op, Conflict("The object was created concurrently; send the op again."))
    return PushResult(op_id=op.op_id, status=answer.status, version=answer.version, seq=answer.seq)


@router.post(
    "/sync/push",
    response_model_exclude_none=True,
    responses=problem_responses(401, 403, 413, 422, 429),
    summary="Apply queued writes in order, each as its single request with Idempotency-Key: op_id",
)
def push(body: PushRequest, request: Request, signed_in: SignedInDep, session: SessionDep) -> PushResponse:
    # Each op is a transaction of its own: the one signing in began ends first, keeping what it recorded.
    commit(session)
    return PushResponse(results=[_apply(request, session, signed_in, op.root) for op in body.ops])
