"""HTTP routes for people and tags: ``GET /people``, ``GET /tags`` (autocomplete) and their renames."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from app.api.deps import CurrentPrincipal, RequireScope, SessionDep
from app.api.keyed_writes import answer_action, keyed
from app.api.problems import problem_responses
from app.auth.models import Account
from app.core.bodies import QueryText
from app.people import service
from app.people.models import NameList, Rename, Renamed

router = APIRouter(tags=["people and tags"])

EntriesReader = Annotated[Account, RequireScope("entries:read")]
EntriesWriter = Annotated[Account, RequireScope("entries:write")]
Prefix = Annotated[
    QueryText | None,
    Query(max_length=60, description="Only names that start with this, compared case- and accent-insensitively."),
]
Limit = Annotated[int, Query(ge=1, le=200)]
READ_RESPONSES = problem_responses(401, 403, 422, 429)
RENAME_RESPONSES = {200: {"model": Renamed}, **problem_responses(401, 403, 409, 413, 422, 429)}


@router.get("/people", responses=READ_RESPONSES, summary="The people named in live entries, most used first")
async def list_people(user: EntriesReader, session: SessionDep, q: Prefix = None, limit: Limit = 20) -> NameList:
    return await run_in_threadpool(service.list_names, session, user_id=user.id, mark="person", prefix=q, limit=limit)


@router.get("/tags", responses=READ_RESPONSES, summary="The tags of live entries, most used first")
async def list_tags(user: EntriesReader, session: SessionDep, q: Prefix = None, limit: Limit = 20) -> NameList:
    return await run_in_threadpool(service.list_names, session, user_id=user.id, mark="tag", prefix=q, limit=limit)


@router.post(
    "/people/rename",
    response_model=Renamed,
    responses=RENAME_RESPONSES,
    openapi_extra=keyed(),
    summary="Rename a person in every entry, or merge two people",
)
async def rename_person(
    body: Rename, request: Request, user: EntriesWriter, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Each changed entry gets a new version and change number (``/changes`` shows it once)."""
    act = partial(service.rename, session, user=user, mark="person", old=body.from_, new=body.to)
    return await answer_action(request, session, principal=principal, act=act)


@router.post(
    "/tags/rename",
    response_model=Renamed,
    responses=RENAME_RESPONSES,
    openapi_extra=keyed(),
    summary="Rename a tag in every entry, or merge two tags",
)
async def rename_tag(
    body: Rename, request: Request, user: EntriesWriter, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """``from`` matches tags case-insensitively; each changed entry gets a new version and change number."""
    act = partial(service.rename, session, user=user, mark="tag", old=body.from_, new=body.to)
    return await answer_action(request, session, principal=principal, act=act)
