"""HTTP routes of noticing: ``GET /entries/{id}/echoes``, ``GET /entries/on-this-day`` and ``GET /insights``.

``/entries/on-this-day`` is never taken for an entry's id: ``app.entries.routes`` keeps that name out of its paths.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from app.api.deps import RequireScope, SessionDep
from app.api.problems import problem_responses
from app.auth.models import Account
from app.core.database import utcnow
from app.core.dates import IsoDate
from app.insights import echoes, service
from app.insights.models import EchoList, InsightsPublic, OnThisDay

router = APIRouter(tags=["insights"])

EntriesReader = Annotated[Account, RequireScope("entries:read")]


@router.get(
    "/entries/on-this-day",
    responses=problem_responses(401, 403, 422, 429),
    summary="Entries of this month and day in earlier years",
)
async def list_on_this_day(
    user: EntriesReader,
    session: SessionDep,
    day: Annotated[
        IsoDate | None, Query(alias="date", description="Default today in the user's zone and day start.")
    ] = None,
) -> OnThisDay:
    """Newest year first; entries of 29 February show on 28 February in other years."""
    return await run_in_threadpool(echoes.on_this_day, session, user=user, day=day, now=utcnow())


@router.get(
    "/entries/{entry_id}/echoes",
    responses=problem_responses(401, 403, 404, 410, 422, 429),
    summary="Earlier and later entries that share a person, tag or motif with this one",
)
async def list_echoes(
    entry_id: uuid.UUID, user: EntriesReader, session: SessionDep, limit: Annotated[int, Query(ge=1, le=200)] = 20
) -> EchoList:
    """Each echo with its reasons; entries of kind number, name_or_word or symbol that share a motif
    and their kind also echo by the kind. Most reasons first, then the nearest in time."""
    return await run_in_threadpool(echoes.echoes, session, user_id=user.id, entry_id=entry_id, limit=limit)


@router.get(
    "/insights",
    response_model=InsightsPublic,
    response_model_by_alias=True,
    responses=problem_responses(401, 403, 422, 429),
    summary="The person's own patterns over a range: people, tags, motifs, goals, kinds, times and bursts",
)
async def read_insights(
    user: EntriesReader,
    session: SessionDep,
    first: Annotated[
        IsoDate | None, Query(alias="from", description="First local date; default 364 days before to.")
    ] = None,
    last: Annotated[IsoDate | None, Query(alias="to", description="Last local date; default today.")] = None,
) -> InsightsPublic:
    """At most 3660 days, from 1970 on. ``enough_data`` is false below 10 entries: then no bursts are
    named. Patterns of the person's own log, with base rates beside clock-time motifs."""
    return await run_in_threadpool(service.get_insights, session, user=user, first=first, last=last, now=utcnow())
