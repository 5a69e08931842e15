"""HTTP routes for goals: ``/goals`` and ``/goals/{id}``."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Header, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from app.api.bodies import etag, etag_matches, item_location
from app.api.deps import Principal, RequireScope, SessionDep
from app.api.problems import problem_responses
from app.goals import service
from app.goals.models import GoalCreate, GoalList, GoalPatch, GoalPublic, GoalReplace
from app.sync.idempotent_route import IdempotentRoute

router = APIRouter(prefix="/goals", tags=["goals"], route_class=IdempotentRoute)

GoalsReader = Annotated[Principal, RequireScope("goals:read")]
GoalsWriter = Annotated[Principal, RequireScope("goals:write")]
IfMatch = Annotated[str | None, Header(description="Write only if the goal is at this ETag.")]
IfNoneMatch = Annotated[str | None, Header()]
MERGE_PATCH = {
    "requestBody": {"content": {"application/merge-patch+json": {"schema": {"$ref": "#/components/schemas/GoalPatch"}}}}
}


def _with_etag(response: Response, goal: GoalPublic) -> GoalPublic:
    response.headers["ETag"] = etag(goal.version)
    return goal


@router.get("", responses=problem_responses(401, 403, 422, 429), summary="The user's goals")
async def list_goals(
    principal: GoalsReader, session: SessionDep, status: Literal["active", "archived", "all"] = "active"
) -> GoalList:
    return GoalList(data=await run_in_threadpool(service.list_goals, session, user=principal.user, status=status))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 413, 422, 429),
    summary="Add a goal",
)
async def create_goal(
    body: GoalCreate, request: Request, response: Response, principal: GoalsWriter, session: SessionDep
) -> GoalPublic:
    goal = await run_in_threadpool(service.create_goal, session, user=principal.user, body=body)
    response.headers["Location"] = item_location(request, goal.id)
    return _with_etag(response, goal)


@router.get(
    "/{goal_id}",
    response_model=GoalPublic,
    responses={304: {"description": "Not modified"}, **problem_responses(401, 403, 404, 410, 422, 429)},
    summary="One goal, with its ETag",
)
async def read_goal(
    goal_id: uuid.UUID,
    response: Response,
    principal: GoalsReader,
    session: SessionDep,
    if_none_match: IfNoneMatch = None,
) -> GoalPublic | Response:
    goal = await run_in_threadpool(service.get_goal, session, user=principal.user, goal_id=goal_id)
    if if_none_match is not None and etag_matches(if_none_match, goal.version):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag(goal.version)})
    return _with_etag(response, goal)


@router.put(
    "/{goal_id}",
    responses={
        200: {"description": "Replaced", "model": GoalPublic},
        201: {"description": "Created", "model": GoalPublic},
        **problem_responses(401, 403, 404, 410, 412, 413, 422, 429),
    },
    summary="Create or replace a goal under a client-chosen id",
)
async def replace_goal(
    goal_id: uuid.UUID,
    body: GoalReplace,
    request: Request,
    response: Response,
    principal: GoalsWriter,
    session: SessionDep,
    if_match: IfMatch = None,
    if_none_match: IfNoneMatch = None,
) -> GoalPublic:
    goal, created = await run_in_threadpool(
        service.replace_goal,
        session,
        user=principal.user,
        goal_id=goal_id,
        body=body,
        if_match=if_match,
        if_none_match=if_none_match,
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
        response.headers["Location"] = item_location(request, goal.id)
    return _with_etag(response, goal)


@router.patch(
    "/{goal_id}",
    responses=problem_responses(401, 403, 404, 410, 412, 413, 415, 422, 429),
    openapi_extra=MERGE_PATCH,
    summary="Change some fields (JSON merge patch)",
)
async def patch_goal(
    goal_id: uuid.UUID,
    body: Annotated[GoalPatch, Body()],
    response: Response,
    principal: GoalsWriter,
    session: SessionDep,
    if_match: IfMatch = None,
) -> GoalPublic:
    return _with_etag(
        response,
        await run_in_threadpool(
            service.patch_goal, session, user=principal.user, goal_id=goal_id, patch=body, if_match=if_match
        ),
    )


@router.delete(
    "/{goal_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 412, 422, 429),
    summary="Delete a goal; it is taken off its entries",
)
async def delete_goal(
    goal_id: uuid.UUID, principal: GoalsWriter, session: SessionDep, if_match: IfMatch = None
) -> None:
    await run_in_threadpool(service.delete_goal, session, user=principal.user, goal_id=goal_id, if_match=if_match)
