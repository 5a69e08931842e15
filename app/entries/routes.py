"""HTTP routes for entries: ``/entries`` and ``/entries/{id}``."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Header, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from app.api.bodies import etag, etag_matches, item_location
from app.api.deps import Principal, RequireScope, SessionDep
from app.api.problems import problem_responses
from app.core.dates import IsoDate
from app.entries import service
from app.entries.models import EntryCreate, EntryPage, EntryPatch, EntryPublic, EntryReplace, Kind
from app.sync.idempotent_route import IdempotentRoute

router = APIRouter(prefix="/entries", tags=["entries"], route_class=IdempotentRoute)

EntriesReader = Annotated[Principal, RequireScope("entries:read")]
EntriesWriter = Annotated[Principal, RequireScope("entries:write")]
IfMatch = Annotated[str | None, Header(description="Write only if the entry is at this ETag.")]
IfNoneMatch = Annotated[str | None, Header()]
MERGE_PATCH = {
    "requestBody": {
        "content": {"application/merge-patch+json": {"schema": {"$ref": "#/components/schemas/EntryPatch"}}}
    }
}


def _with_etag(response: Response, entry: EntryPublic) -> EntryPublic:
    response.headers["ETag"] = etag(entry.version)
    return entry


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 412, 413, 422, 429),
    summary="Log a synchronicity",
)
async def create_entry(
    body: EntryCreate,
    request: Request,
    response: Response,
    principal: EntriesWriter,
    session: SessionDep,
) -> EntryPublic:
    entry = await run_in_threadpool(
        service.create_entry, session, user=principal.user, source=principal.source, body=body
    )
    response.headers["Location"] = item_location(request, entry.id)
    return _with_etag(response, entry)


@router.get("", responses=problem_responses(400, 401, 403, 422, 429), summary="The timeline, newest first")
async def list_entries(
    principal: EntriesReader,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    goal_id: uuid.UUID | None = None,
    kind: Kind | None = None,
    tag: Annotated[str | None, Query(min_length=1, max_length=60)] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Searches note, meaning, tags, people and place.")
    ] = None,
    from_: Annotated[IsoDate | None, Query(alias="from", description="First local date, inclusive.")] = None,
    to: Annotated[IsoDate | None, Query(description="Last local date, inclusive.")] = None,
) -> EntryPage:
    filters = service.EntryFilters(goal_id=goal_id, kind=kind, tag=tag, q=q, from_date=from_, to_date=to)
    return await run_in_threadpool(
        service.list_entries, session, user=principal.user, filters=filters, limit=limit, cursor=cursor
    )


@router.get(
    "/{entry_id}",
    response_model=EntryPublic,
    responses={304: {"description": "Not modified"}, **problem_responses(401, 403, 404, 410, 422, 429)},
    summary="One entry, with its ETag",
)
async def read_entry(
    entry_id: uuid.UUID,
    response: Response,
    principal: EntriesReader,
    session: SessionDep,
    if_none_match: IfNoneMatch = None,
) -> EntryPublic | Response:
    entry = await run_in_threadpool(service.get_entry, session, user=principal.user, entry_id=entry_id)
    if if_none_match is not None and etag_matches(if_none_match, entry.version):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag(entry.version)})
    return _with_etag(response, entry)


@router.put(
    "/{entry_id}",
    responses={
        200: {"description": "Replaced", "model": EntryPublic},
        201: {"description": "Created", "model": EntryPublic},
        **problem_responses(401, 403, 404, 410, 412, 413, 422, 429),
    },
    summary="Create or replace an entry under a client-chosen id",
)
async def replace_entry(
    entry_id: uuid.UUID,
    body: EntryReplace,
    request: Request,
    response: Response,
    principal: EntriesWriter,
    session: SessionDep,
    if_match: IfMatch = None,
    if_none_match: IfNoneMatch = None,
) -> EntryPublic:
    entry, created = await run_in_threadpool(
        service.replace_entry,
        session,
        user=principal.user,
        source=principal.source,
        entry_id=entry_id,
        body=body,
        if_match=if_match,
        if_none_match=if_none_match,
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
        response.headers["Location"] = item_location(request, entry.id)
    return _with_etag(response, entry)


@router.patch(
    "/{entry_id}",
    responses=problem_responses(401, 403, 404, 410, 412, 413, 415, 422, 429),
    openapi_extra=MERGE_PATCH,
    summary="Change some fields (JSON merge patch)",
)
async def patch_entry(
    entry_id: uuid.UUID,
    body: Annotated[EntryPatch, Body()],
    response: Response,
    principal: EntriesWriter,
    session: SessionDep,
    if_match: IfMatch = None,
) -> EntryPublic:
    entry = await run_in_threadpool(
        service.patch_entry, session, user=principal.user, entry_id=entry_id, patch=body, if_match=if_match
    )
    return _with_etag(response, entry)


@router.delete(
    "/{entry_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 412, 422, 429),
    summary="Delete an entry (a tombstone stays in the changes feed)",
)
async def delete_entry(
    entry_id: uuid.UUID,
    principal: EntriesWriter,
    session: SessionDep,
    if_match: IfMatch = None,
) -> None:
    await run_in_threadpool(service.delete_entry, session, user=principal.user, entry_id=entry_id, if_match=if_match)
