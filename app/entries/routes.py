"""HTTP routes for entries: ``/entries`` and ``/entries/{id}``; every write is a keyed write."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Header, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from starlette.convertors import StringConvertor, register_url_convertor

from app.api.deps import RequireScope, RequireWriter, SessionDep, SignedIn, Writer
from app.api.keyed_writes import Resource, answer_write, keyed
from app.api.preconditions import conditional_read, expected_version, merge_patch_body, only_if_new
from app.api.problems import problem_responses
from app.auth.models import Account
from app.core.bodies import QueryText
from app.core.dates import IsoDate
from app.core.synced import Written
from app.entries import service
from app.entries.models import EntryCreate, EntryPage, EntryPatch, EntryPublic, EntryReplace, Kind

router = APIRouter(prefix="/entries", tags=["entries"])


class EntryIdConvertor(StringConvertor):
    """An entry's id in a path: any segment but the names of ``/entries/…`` collections (``on-this-day``),
    so that a write to those is 405, not a malformed id. Parsed as a UUID by the route (422 if not one)."""

    regex = r"(?!on-this-day(?:/|$))[^/]+"


register_url_convertor("entry_id", EntryIdConvertor())
ENTRY_PATH = "/{entry_id:entry_id}"

ENTRY = Resource(
    collection_route="create_entry", item_route="read_entry", id_param="entry_id", read_scope="entries:read"
)
EntriesReader = Annotated[Account, RequireScope("entries:read")]
EntriesWriter = Annotated[Writer, RequireWriter("entries:write")]
IfMatch = Annotated[str | None, Header(description="Write only if the entry is at this ETag.")]
IfNoneMatch = Annotated[str | None, Header()]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=EntryPublic,
    responses=problem_responses(401, 403, 409, 412, 413, 422, 429),
    openapi_extra=keyed(),
    summary="Log a synchronicity",
)
async def create_entry(body: EntryCreate, request: Request, writer: EntriesWriter) -> Response:
    def write(session: Session, signed: SignedIn) -> Written[EntryPublic]:
        return service.create_entry(session, user=signed.account, source=signed.principal.source, body=body)

    return await answer_write(request, ENTRY, writer=writer, object_id=None, write=write)


@router.get(
    "",
    response_model=EntryPage,
    responses=problem_responses(400, 401, 403, 422, 429),
    summary="The timeline, newest first",
)
async def list_entries(
    user: EntriesReader,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[QueryText | None, Query(max_length=200)] = None,
    goal_id: uuid.UUID | None = None,
    kind: Kind | None = None,
    tag: Annotated[QueryText | None, Query(min_length=1, max_length=60)] = None,
    q: Annotated[
        QueryText | None,
        Query(
            max_length=200,
            description=(
                "Searches inner, note, meaning, tags, people and place, case- and accent-insensitively"
                " (`zoe` finds Zoë)."
            ),
        ),
    ] = None,
    from_: Annotated[IsoDate | None, Query(alias="from", description="First local date, inclusive.")] = None,
    to: Annotated[IsoDate | None, Query(description="Last local date, inclusive.")] = None,
) -> Response:
    filters = service.EntryFilters(goal_id=goal_id, kind=kind, tag=tag, q=q, from_date=from_, to_date=to)
    page = await run_in_threadpool(
        service.list_entries, session, user_id=user.id, filters=filters, limit=limit, cursor=cursor
    )
    return Response(page, media_type="application/json")


@router.get(
    ENTRY_PATH,
    response_model=EntryPublic,
    responses={304: {"description": "Not modified"}, **problem_responses(401, 403, 404, 410, 422, 429)},
    summary="One entry, with its ETag",
)
async def read_entry(
    entry_id: uuid.UUID,
    response: Response,
    user: EntriesReader,
    session: SessionDep,
    if_none_match: IfNoneMatch = None,
) -> EntryPublic | Response:
    entry = await run_in_threadpool(service.get_entry, session, user_id=user.id, entry_id=entry_id)
    return conditional_read(response, if_none_match, entry, entry.version)


@router.put(
    ENTRY_PATH,
    response_model=EntryPublic,
    responses={
        200: {"description": "Replaced", "model": EntryPublic},
        201: {"description": "Created", "model": EntryPublic},
        **problem_responses(401, 403, 404, 410, 412, 413, 422, 429),
    },
    openapi_extra=keyed(),
    summary="Create or replace an entry under a client-chosen id",
)
async def replace_entry(
    entry_id: uuid.UUID,
    body: EntryReplace,
    request: Request,
    writer: EntriesWriter,
    if_match: IfMatch = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    def write(session: Session, signed: SignedIn) -> Written[EntryPublic]:
        return service.replace_entry(
            session,
            user=signed.account,
            source=signed.principal.source,
            entry_id=entry_id,
            body=body,
            expected=expected_version(if_match),
            only_if_new=only_if_new(if_none_match),
        )

    return await answer_write(request, ENTRY, writer=writer, object_id=entry_id, write=write)


@router.patch(
    ENTRY_PATH,
    response_model=EntryPublic,
    responses=problem_responses(401, 403, 404, 410, 412, 413, 415, 422, 429),
    openapi_extra=keyed(merge_patch_body("EntryPatch")),
    summary="Change some fields (JSON merge patch)",
)
async def patch_entry(
    entry_id: uuid.UUID,
    body: Annotated[EntryPatch, Body()],
    request: Request,
    writer: EntriesWriter,
    if_match: IfMatch = None,
) -> Response:
    def write(session: Session, signed: SignedIn) -> Written[EntryPublic]:
        expected = expected_version(if_match)
        return service.patch_entry(session, user=signed.account, entry_id=entry_id, patch=body, expected=expected)

    return await answer_write(request, ENTRY, writer=writer, object_id=entry_id, write=write)


@router.delete(
    ENTRY_PATH,
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 412, 422, 429),
    openapi_extra=keyed(),
    summary="Delete an entry (a tombstone stays in the changes feed)",
)
async def delete_entry(
    entry_id: uuid.UUID,
    request: Request,
    writer: EntriesWriter,
    if_match: IfMatch = None,
) -> Response:
    def write(session: Session, signed: SignedIn) -> Written[EntryPublic]:
        expected = expected_version(if_match)
        return service.delete_entry(session, user_id=signed.account.id, entry_id=entry_id, expected=expected)

    return await answer_write(request, ENTRY, writer=writer, object_id=entry_id, write=write)
