"""HTTP routes for pauses: ``/pauses`` and ``/pauses/{id}``, shaped as goals' are; every write is a keyed write."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Header, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from app.api.deps import RequireScope, RequireWriter, SessionDep, SignedIn, Writer
from app.api.keyed_writes import Resource, answer_write, keyed
from app.api.preconditions import conditional_read, expected_version, merge_patch_body, only_if_new
from app.api.problems import problem_responses
from app.auth.models import Account
from app.core.dates import IsoDate
from app.core.synced import Written
from app.pauses import service
from app.pauses.models import PauseCreate, PauseList, PausePatch, PausePublic, PauseReplace

router = APIRouter(prefix="/pauses", tags=["pauses"])

# Pauses shape streaks as goals do: they share the goals' scopes (SPEC §4).
PAUSE = Resource(collection_route="create_pause", item_route="read_pause", id_param="pause_id", read_scope="goals:read")
PausesReader = Annotated[Account, RequireScope("goals:read")]
PausesWriter = Annotated[Writer, RequireWriter("goals:write")]
IfMatch = Annotated[str | None, Header(description="Write only if the pause is at this ETag.")]
IfNoneMatch = Annotated[str | None, Header()]


@router.get("", responses=problem_responses(401, 403, 422, 429), summary="The user's pauses")
async def list_pauses(
    user: PausesReader,
    session: SessionDep,
    first: Annotated[
        IsoDate | None, Query(alias="from", description="Only pauses that end on or after this local date.")
    ] = None,
    last: Annotated[
        IsoDate | None, Query(alias="to", description="Only pauses that start on or before this local date.")
    ] = None,
) -> PauseList:
    pauses = await run_in_threadpool(service.list_pauses, session, user_id=user.id, first=first, last=last)
    return PauseList(data=pauses)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PausePublic,
    responses=problem_responses(401, 403, 409, 413, 422, 429),
    openapi_extra=keyed(),
    summary="Add a pause",
)
async def create_pause(body: PauseCreate, request: Request, writer: PausesWriter) -> Response:
    def write(session: Session, signed: SignedIn) -> Written[PausePublic]:
        return service.create_pause(session, user_id=signed.account.id, body=body)

    return await answer_write(request, PAUSE, writer=writer, object_id=None, write=write)


@router.get(
    "/{pause_id}",
    response_model=PausePublic,
    responses={304: {"description": "Not modified"}, **problem_responses(401, 403, 404, 410, 422, 429)},
    summary="One pause, with its ETag",
)
async def read_pause(
    pause_id: uuid.UUID,
    response: Response,
    user: PausesReader,
    session: SessionDep,
    if_none_match: IfNoneMatch = None,
) -> PausePublic | Response:
    pause = await run_in_threadpool(service.get_pause, session, user_id=user.id, pause_id=pause_id)
    return conditional_read(response, if_none_match, pause, pause.version)


@router.put(
    "/{pause_id}",
    response_model=PausePublic,
    responses={
        200: {"description": "Replaced", "model": PausePublic},
        201: {"description": "Created", "model": PausePublic},
        **problem_responses(401, 403, 404, 410, 412, 413, 422, 429),
    },
    openapi_extra=keyed(),
    summary="Create or replace a pause under a client-chosen id",
)
async def replace_pause(
    pause_id: uuid.UUID,
    body: PauseReplace,
    request: Request,
    writer: PausesWriter,
    if_match: IfMatch = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    def write(session: Session, signed: SignedIn) -> Written[PausePublic]:
        return service.replace_pause(
            session,
            user_id=signed.account.id,
            pause_id=pause_id,
            body=body,
            expected=expected_version(if_match),
            only_if_new=only_if_new(if_none_match),
        )

    return await answer_write(request, PAUSE, writer=writer, object_id=pause_id, write=write)


@router.patch(
    "/{pause_id}",
    response_model=PausePublic,
    responses=problem_responses(401, 403, 404, 410, 412, 413, 415, 422, 429),
    openapi_extra=keyed(merge_patch_body("PausePatch")),
    summary="Change some fields (JSON merge patch)",
)
async def patch_pause(
    pause_id: uuid.UUID,
    body: Annotated[PausePatch, Body()],
    request: Request,
    writer: PausesWriter,
    if_match: IfMatch = None,
) -> Response:
    def write(session: Session, signed: SignedIn) -> Written[PausePublic]:
        return service.patch_pause(
            session,
            user_id=signed.account.id,
            pause_id=pause_id,
            patch=body,
            expected=expected_version(if_match),
        )

    return await answer_write(request, PAUSE, writer=writer, object_id=pause_id, write=write)


@router.delete(
    "/{pause_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 412, 422, 429),
    openapi_extra=keyed(),
    summary="Delete a pause",
)
async def delete_pause(
    pause_id: uuid.UUID,
    request: Request,
    writer: PausesWriter,
    if_match: IfMatch = None,
) -> Response:
    def write(session: Session, signed: SignedIn) -> Written[PausePublic]:
        return service.delete_pause(
            session,
            user_id=signed.account.id,
            pause_id=pause_id,
            expected=expected_version(if_match),
        )

    return await answer_write(request, PAUSE, writer=writer, object_id=pause_id, write=write)
