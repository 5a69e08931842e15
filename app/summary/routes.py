"""HTTP routes for the summary: ``/summary``, ``/summary/heatmap``, ``/summary/explain`` and ``/summary/history``."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from app.api.deps import SESSION_COOKIE, RequireScope, SessionDep, SettingsDep
from app.api.problems import problem_responses
from app.auth.models import Account
from app.core import slow_work
from app.core.database import utcnow
from app.core.dates import IsoDate
from app.summary import service
from app.summary.cache import SummaryCache
from app.summary.history import Bucket
from app.summary.models import ExplainPublic, HeatmapPublic, HistoryPublic, SummaryPublic
from app.summary.turns import SummaryTurns


async def _caller_turn(request: Request) -> AsyncIterator[None]:
    """The caller's turn (``SummaryTurns.caller_turn``), taken before the session that signs the caller in."""
    turns: SummaryTurns = request.app.state.summary_turns
    credential = request.headers.get("authorization") or request.cookies.get(SESSION_COOKIE)
    if credential is None:  # answered 401 by signing in
        yield
        return
    async with turns.caller_turn(credential):
        yield


# A router's dependencies are solved before a route's own, so the turn comes before the session.
router = APIRouter(prefix="/summary", tags=["summary"], dependencies=[Depends(_caller_turn, scope="function")])

SummaryReader = Annotated[Account, RequireScope("summary:read")]


async def _summary_cache(request: Request) -> SummaryCache:
    cache: SummaryCache = request.app.state.summary_cache
    return cache


async def _summary_turns(request: Request) -> SummaryTurns:
    turns: SummaryTurns = request.app.state.summary_turns
    return turns


SummaryCacheDep = Annotated[SummaryCache, Depends(_summary_cache)]
# Every computation below runs through it: one per user at a time, on threads of its own (``/summary``'s in a
# slow-work process).
SummaryTurnsDep = Annotated[SummaryTurns, Depends(_summary_turns)]
AsOf = Annotated[
    IsoDate | None,
    Query(description="The day to summarize as of (ISO date); default today in the user's zone and day start."),
]


@router.get("", responses=problem_responses(401, 403, 422, 429), summary="Streaks, momentum and counts")
async def read_summary(
    user: SummaryReader,
    session: SessionDep,
    settings: SettingsDep,
    cache: SummaryCacheDep,
    turns: SummaryTurnsDep,
    as_of: AsOf = None,
) -> SummaryPublic:
    async with turns.user_turn(user.id):
        key, summary = await run_in_threadpool(
            service.kept_summary, session, user=user, as_of=as_of, now=utcnow(), cache=cache
        )
        if summary is None:
            # Computed in a slow-work process with a read session of its own: years of old entries tied to many
            # goals cost seconds of CPU, which there take none of the server's GIL or cores.
            summary = await slow_work.run(service.summary_of_key, settings, key)
            cache.put(key, summary)
        return summary


@router.get("/heatmap", responses=problem_responses(401, 403, 404, 422, 429), summary="Entries per day")
async def read_heatmap(
    user: SummaryReader,
    session: SessionDep,
    turns: SummaryTurnsDep,
    first: Annotated[
        IsoDate | None, Query(alias="from", description="First local date; default 364 days before to.")
    ] = None,
    last: Annotated[IsoDate | None, Query(alias="to", description="Last local date; default today.")] = None,
    goal_id: Annotated[uuid.UUID | None, Query(description="Count only this goal's entries.")] = None,
) -> HeatmapPublic:
    return await turns.run(
        user.id, service.get_heatmap, session, user=user, first=first, last=last, goal_id=goal_id, now=utcnow()
    )


@router.get(
    "/explain",
    responses=problem_responses(401, 403, 404, 422, 429),
    summary="How the current streak was counted",
)
async def read_explanation(
    user: SummaryReader,
    session: SessionDep,
    turns: SummaryTurnsDep,
    goal_id: Annotated[uuid.UUID | None, Query(description="The goal to explain; default the overall streak.")] = None,
    as_of: AsOf = None,
) -> ExplainPublic:
    return await turns.run(user.id, service.explain, session, user=user, goal_id=goal_id, as_of=as_of, now=utcnow())


@router.get(
    "/history",
    responses=problem_responses(401, 403, 404, 422, 429),
    summary="Momentum over time: the mean daily score per day, week or month",
)
async def read_history(
    user: SummaryReader,
    session: SessionDep,
    turns: SummaryTurnsDep,
    goal_id: Annotated[uuid.UUID | None, Query(description="One goal's momentum; default the overall log.")] = None,
    first: Annotated[
        IsoDate | None, Query(alias="from", description="First local date; default 364 days before to.")
    ] = None,
    last: Annotated[IsoDate | None, Query(alias="to", description="Last local date; default today.")] = None,
    bucket: Annotated[Bucket, Query(description="Points per day, per week (from week_start) or per month.")] = "week",
) -> HistoryPublic:
    return await turns.run(
        user.id,
        service.get_history,
        session,
        user=user,
        goal_id=goal_id,
        first=first,
        last=last,
        bucket=bucket,
        now=utcnow(),
    )
