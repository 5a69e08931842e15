"""Echoes of an entry and entries on this day in other years: reads of the user's live entries, through
their stored marks (people, tags, motifs) and ``local_date``, never rescanning text."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, and_, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session

from app.auth.models import Account
from app.core.timezones import today
from app.entries import service as entries_service
from app.entries.marks import ENTRY_MARKS
from app.entries.models import EntryPublic
from app.insights.models import Echo, EchoList, EchoReason, OnThisDay, ReasonType

ENTRIES = entries_service.ENTRIES
# Kinds whose entries also echo by their kind, alongside a motif they share (SPEC §4).
KIND_ECHOES = frozenset({"number", "name_or_word", "symbol"})
_REASON_ORDER: dict[ReasonType, int] = {"person": 0, "tag": 1, "motif": 2, "kind": 3}
EARLIEST_YEAR = 1970
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class _Candidate:
    kind: str
    occurred_at: datetime
    reasons: list[EchoReason] = field(default_factory=list)


class epoch_microseconds(FunctionElement[int]):  # noqa: N801 - named as the SQL it stands for
    """A UTC timestamp column as whole microseconds since 1970 on both engines, exactly (SQLite keeps
    ``YYYY-MM-DD HH:MM:SS.ffffff`` text; PostgreSQL's ``extract(epoch ...)`` is numeric)."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_microseconds)
def _epoch_microseconds_sqlite(element: epoch_microseconds, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"(CAST(strftime('%s', {column}) AS INTEGER) * 1000000 + CAST(substr({column}, 21, 6) AS INTEGER))"


@compiles(epoch_microseconds, "postgresql")
def _epoch_microseconds_postgresql(element: epoch_microseconds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(extract(epoch FROM {compiler.process(element.clauses, **kw)}) * 1000000 AS BIGINT)"


def _microseconds(instant: datetime) -> int:
    return (instant - EPOCH) // timedelta(microseconds=1)


def _entries_by_id(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, EntryPublic]:
    if not ids:
        return {}
    rows = session.execute(select(*entries_service.PUBLIC_ROW).where(ENTRIES.c.id.in_(ids))).all()
    return {entry.id: entry for entry in entries_service.public_entries(rows)}


def echoes(session: Session, *, user_id: uuid.UUID, entry_id: uuid.UUID, limit: int) -> EchoList:
    """Live entries, earlier or later, sharing a person, tag or motif with this one, each with its reasons.

    404 for an unknown or another user's entry, 410 for a deleted one. Two reads of the marks' covering
    index: the first ``limit`` entries sharing marks, ranked in SQL, then the reasons of those only.
    """
    entry = entries_service.get_entry(session, user_id=user_id, entry_id=entry_id)
    mine, theirs = ENTRY_MARKS.alias("mine"), ENTRY_MARKS.alias("theirs")
    shared = and_(
        theirs.c.user_id == mine.c.user_id,
        theirs.c.mark == mine.c.mark,
        theirs.c.key == mine.c.key,
        theirs.c.entry_id != mine.c.entry_id,
    )
    of_entry = and_(mine.c.entry_id == entry_id, mine.c.user_id == user_id)
    score: ColumnElement[int] = func.count()
    if entry.kind in KIND_ECHOES:
        # A shared motif between entries of the same kind is one more reason.
        motif = func.max(case((mine.c.mark == "motif", 1), else_=0))
        score = score + case((and_(motif == 1, theirs.c.kind == entry.kind), 1), else_=0)
    # Most reasons first, then the nearest in time, then the latest, then by id.
    ranked = session.execute(
        select(theirs.c.entry_id, theirs.c.kind, theirs.c.occurred_at)
        .join_from(mine, theirs, shared)
        .where(of_entry)
        .group_by(theirs.c.entry_id, theirs.c.kind, theirs.c.occurred_at)
        .order_by(
            score.desc(),
            func.abs(epoch_microseconds(theirs.c.occurred_at) - _microseconds(entry.occurred_at)),
            theirs.c.occurred_at.desc(),
            theirs.c.entry_id,
        )
        .limit(limit)
    ).all()
    candidates = {other_id: _Candidate(kind, occurred_at) for other_id, kind, occurred_at in ranked}
    if candidates:
        reasons = (
            select(theirs.c.entry_id, mine.c.mark, mine.c.key, mine.c.name)
            .join_from(mine, theirs, shared)
            .where(of_entry, theirs.c.entry_id.in_(list(candidates)))
        )
        for other_id, mark, key, name in session.execute(reasons):
            candidates[other_id].reasons.append(EchoReason(type=mark, name=key if mark == "motif" else name))
    for candidate in candidates.values():
        same_kind = entry.kind in KIND_ECHOES and candidate.kind == entry.kind
        if same_kind and any(reason.type == "motif" for reason in candidate.reasons):
            candidate.reasons.append(EchoReason(type="kind", name=entry.kind))
        candidate.reasons.sort(key=lambda reason: (_REASON_ORDER[reason.type], reason.name))
    public = _entries_by_id(session, list(candidates))
    return EchoList(
        data=[Echo(entry=public[other_id], reasons=candidate.reasons) for other_id, candidate in candidates.items()]
    )


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def same_day_in_earlier_years(day: date, *, latest_year: int) -> list[date]:
    """The dates of ``day``'s month and day in every earlier year from 1970 (up to ``latest_year``), newest first.

    29 February falls on 28 February in other years: a 28 February of a common year also
    gathers the 29 Februaries before it, and a 29 February finds only earlier ones.
    """
    days: list[date] = []
    for year in range(min(day.year - 1, latest_year), EARLIEST_YEAR - 1, -1):
        if (day.month, day.day) == (2, 29):
            if _is_leap(year):
                days.append(date(year, 2, 29))
            continue
        days.append(date(year, day.month, day.day))
        if (day.month, day.day) == (2, 28) and not _is_leap(day.year) and _is_leap(year):
            days.append(date(year, 2, 29))
    return days


def on_this_day(session: Session, *, user: Account, day: date | None, now: datetime) -> OnThisDay:
    """Live entries whose ``local_date`` is ``day``'s month and day in an earlier year (see above)."""
    current = today(now, user.timezone, user.day_start_hour)
    day = day or current
    # No entry lies more than a day ahead: later years hold none.
    days = same_day_in_earlier_years(day, latest_year=current.year + 1)
    if not days:
        return OnThisDay(date=day, data=[])
    entries = ENTRIES.c
    query = (
        select(*entries_service.PUBLIC_ROW)
        .where(entries.user_id == user.id, entries.deleted_at.is_(None), entries.local_date.in_(days))
        .order_by(entries.local_date.desc(), entries.occurred_at.desc(), entries.id.desc())
    )
    return OnThisDay(date=day, data=entries_service.public_entries(session.execute(query).all()))
