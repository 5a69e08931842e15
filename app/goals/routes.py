"""HTTP routes for goals: ``/goals`` and ``/goals/{id}``; every write is a keyed write."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Header, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from app.api.deps import RequireScope, RequireWriter, SessionDep, SignedIn, Writer
from app.api.keyed_writes import Resource, answer_write, keyed
from app.api.preconditions import conditional_read, expected_version, merge_patch_body, only_if_new
from app.api.problems import problem_responses
from app.auth.models import Account
from app.core.synced import Written
from app.entries import goal_links
from app.goals import service
from app.goals.models import GoalCreate, GoalList, GoalPatch, GoalPublic, GoalReplace

router = APIRouter(prefix="/goals", tags=["goals"])

GOAL = Resource(collection_route="create_goal", item_route="read_goal", id_param="goal_id", read_scope="goals:read")
GoalsReader = Annotated[Account, RequireScope("goals:read")]
GoalsWriter = Annotated[Writer, RequireWriter("goals:write")]
IfMatch = Annotated[str | None, Header(description="Write only if the goal is at this ETag.")]
IfNoneMatch = Annotated[str | None, Header()]


@router.get("", responses=problem_responses(401, 403, 422, 429), summary="The user's goals")
async def list_goals(
    user: GoalsReader, session: SessionDep, status: Literal["active", "archived", "all"] = "active"
) -> GoalList:
    return GoalList(data=await run_in_threadpool(service.list_goals, session, user_id=user.id, status=status))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=GoalPublic,
    responses=problem_responses(401, 403, 409, 413, 422, 429),
    openapi_extra=keyed(),
    summary="Add a goal",
)
async def create_goal(body: GoalCreate, request: Request, writer: GoalsWriter) -> Response:
    def write(session: Session, signed: SignedIn) -> Written[GoalPublic]:
        return service.create_goal(session, user_id=signed.account.id, body=body)

    return await answer_write(request, GOAL, writer=writer, object_id=None, write=write)


@router.get(
    "/{goal_id}",
    response_model=GoalPublic,
    responses={304: {"description": "Not modified"}, **problem_responses(401, 403, 404, 410, 422, 429)},
    summary="One goal, with its ETag",
)
async def read_goal(
    goal_id: uuid.UUID,
    response: Response,
    user: GoalsReader,
    session: SessionDep,
    if_none_match: IfNoneMatch = None,
) -> GoalPublic | Response:
    goal = await run_in_threadpool(service.get_goal, session, user_id=user.id, goal_id=goal_id)
    return conditional_read(response, if_none_match, goal, goal.version)


@router.put(
    "/{goal_id}",
    response_model=GoalPublic,
    responses={
        200: {"description": "Replaced", "model": GoalPublic},
        201: {"description": "Created", "model": GoalPublic},
        **problem_responses(401, 403, 404, 410, 412, 413, 422, 429),
    },
    openapi_extra=keyed(),
    summary="Create or replace a goal under a client-chosen id",
)
async def replace_goal(
    goal_id: uuid.UUID,
    body: GoalReplace,
    request: Request,
    writer: GoalsWriter,
    if_match: IfMatch = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    def write(session: Session, signed: SignedIn) -> Written[GoalPublic]:
        return service.replace_goal(
            session,
            user_id=signed.account.id,
            goal_id=goal_id,
            body=body,
            expected=expected_version(if_match),
            only_if_new=only_if_new(if_none_match),
        )

    return await answer_write(request, GOAL, writer=writer, object_id=goal_id, write=write)


@router.patch(
    "/{goal_id}",
    response_model=GoalPublic,
    responses=problem_responses(401, 403, 404, 410, 412, 413, 415, 422, 429),
    openapi_extra=keyed(merge_patch_body("GoalPatch")),
    summary="Change some fields (JSON merge patch)",
)
async def patch_goal(
    goal_id: uuid.UUID,
    body: Annotated[GoalPatch, Body()],
    request: Request,
    writer: GoalsWriter,
    if_match: IfMatch = None,
) -> Response:
    def write(session: Session, signed: SignedIn) -> Written[GoalPublic]:
        return service.patch_goal(
            session,
            user_id=signed.account.id,
            goal_id=goal_id,
            patch=body,
            expected=expected_version(if_match),
        )

    return await answer_write(request, GOAL, writer=writer, object_id=goal_id, write=write)


@router.delete(
    "/{goal_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 412, 422, 429),
    openapi_extra=keyed(),
    summary="Delete a goal; it is taken off its entries",
)
async def delete_goal(
    goal_id: uuid.UUID,
    request: Request,
    writer: GoalsWriter,
    if_match: IfMatch = None,
) -> Response:
    def write(session: Session, signed: SignedIn) -> Written[GoalPublic]:
        return goal_links.delete_goal(
            session,
            user_id=signed.account.id,
            goal_id=goal_id,
            expected=expected_version(if_match),
        )

    return await answer_write(request, GOAL, writer=writer, object_id=goal_id, write=write)
