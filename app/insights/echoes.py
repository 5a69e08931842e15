"""Echoes of an entry and entries on this day in other years: reads of the user's live entries, through
their stored marks (people, tags, motifs) and ``local_date``, never rescanning text."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, select
from sqlmodel import Session

from app.auth.models import User
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


@dataclass
class _Candidate:
    kind: str
    occurred_at: datetime
    reasons: list[EchoReason] = field(default_factory=list)


def _entries_by_id(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, EntryPublic]:
    if not ids:
        return {}
    rows = session.execute(select(*entries_service.PUBLIC_ROW).where(ENTRIES.c.id.in_(ids))).all()
    return {entry.id: entry for entry in entries_service.public_entries(rows)}


def echoes(session: Session, *, user_id: uuid.UUID, entry_id: uuid.UUID, limit: int) -> EchoList:
    """Live entries, earlier or later, sharing a person, tag or motif with this one, each with its reasons.

    404 for an unknown or another user's entry, 410 for a deleted one. One query over the marks.
    """
    entry = entries_service.get_entry(session, user_id=user_id, entry_id=entry_id)
    mine, theirs = ENTRY_MARKS.alias("mine"), ENTRY_MARKS.alias("theirs")
    shared = (
        select(theirs.c.entry_id, ENTRIES.c.kind, ENTRIES.c.occurred_at, mine.c.mark, mine.c.key, mine.c.name)
        .join_from(
            mine,
            theirs,
            and_(
                theirs.c.user_id == mine.c.user_id,
                theirs.c.mark == mine.c.mark,
                theirs.c.key == mine.c.key,
                theirs.c.entry_id != mine.c.entry_id,
            ),
        )
        .join(ENTRIES, ENTRIES.c.id == theirs.c.entry_id)
        .where(mine.c.entry_id == entry_id, mine.c.user_id == user_id)
    )
    candidates: dict[uuid.UUID, _Candidate] = {}
    for other_id, kind, occurred_at, mark, key, name in session.execute(shared):
        candidate = candidates.setdefault(other_id, _Candidate(kind, occurred_at))
        candidate.reasons.append(EchoReason(type=mark, name=key if mark == "motif" else name))
    for candidate in candidates.values():
        same_kind = entry.kind in KIND_ECHOES and candidate.kind == entry.kind
        if same_kind and any(reason.type == "motif" for reason in candidate.reasons):
            candidate.reasons.append(EchoReason(type="kind", name=entry.kind))
        candidate.reasons.sort(key=lambda reason: (_REASON_ORDER[reason.type], reason.name))
    ranked = sorted(
        candidates.items(),
        key=lambda item: (
            -len(item[1].reasons),
            abs((item[1].occurred_at - entry.occurred_at).total_seconds()),
            -item[1].occurred_at.timestamp(),
            str(item[0]),
        ),
    )[:limit]
    public = _entries_by_id(session, [other_id for other_id, _ in ranked])
    return EchoList(data=[Echo(entry=public[other_id], reasons=candidate.reasons) for other_id, candidate in ranked])


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


def on_this_day(session: Session, *, user: User, day: date | None, now: datetime) -> OnThisDay:
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
