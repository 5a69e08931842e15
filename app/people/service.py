"""People and tags across a user's live entries: listed with counts and last use (one aggregate over
their marks), and renamed or merged, each changed entry through the entries' one write path."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from app.auth.models import Account
from app.entries import service as entries_service
from app.entries.marks import ENTRY_MARKS, Mark, fold, mark_key
from app.entries.models import EntryPatch
from app.people.models import NameList, NameUse, Renamed


def list_names(session: Session, *, user_id: uuid.UUID, mark: Mark, prefix: str | None, limit: int) -> NameList:
    """The names of ``mark`` in the user's live entries whose folded form starts with ``prefix`` folded: from
    the marks' covering index alone (each mark carries its entry's ``local_date``)."""
    marks = ENTRY_MARKS.c
    query = (
        select(marks.key, marks.name, func.count(), func.max(marks.local_date))
        .where(marks.user_id == user_id, marks.mark == mark)
        .group_by(marks.key, marks.name)
    )
    if prefix:
        query = query.where(marks.fold.startswith(fold(prefix), autoescape=True))
    return NameList(data=ranked_uses(session.execute(query).all())[:limit])


def ranked_uses(rows: Iterable[tuple[str, str, int, date]]) -> list[NameUse]:
    """Uses of names from ``(key, name, count, last)`` rows, one per key, most used first (then the
    latest used, then by name): a name spelled several ways is counted once, shown as last spelled."""
    uses: dict[str, NameUse] = {}
    for key, name, count, last in rows:
        known = uses.get(key)
        if known is None:
            uses[key] = NameUse(name=name, count=count, last=last)
            continue
        spelling = name if (last, name) > (known.last, known.name) else known.name
        uses[key] = NameUse(name=spelling, count=known.count + count, last=max(last, known.last))
    return sorted(uses.values(), key=lambda use: (-use.count, -use.last.toordinal(), use.name))


def renamed(names: Sequence[str], *, mark: Mark, old: str, new: str) -> list[str]:
    """``names`` with ``old`` (by its key) made ``new``, each key kept once where it first appears."""
    result: list[str] = []
    seen: set[str] = set()
    for name in names:
        value = new if mark_key(mark, name) == mark_key(mark, old) else name
        if mark_key(mark, value) not in seen:
            seen.add(mark_key(mark, value))
            result.append(value)
    return result


def rename(session: Session, *, user: Account, mark: Mark, old: str, new: str) -> Renamed:
    """Rename ``old`` to ``new`` (merging where ``new`` is there) in every live entry of ``user`` carrying it.

    Each entry whose list changes is patched through the entries' write path: a new version and
    change number, so ``/changes`` shows it once. The caller holds the user's counter (a keyed write).
    """
    marks = ENTRY_MARKS.c
    carrying = (
        select(marks.entry_id)
        .where(marks.user_id == user.id, marks.mark == mark, marks.key == mark_key(mark, old))
        .order_by(marks.entry_id)
    )
    changed = 0
    for entry_id in session.execute(carrying).scalars().all():
        current = entries_service.get_entry(session, user_id=user.id, entry_id=entry_id)
        names = current.people if mark == "person" else current.tags
        new_names = renamed(names, mark=mark, old=old, new=new)
        if new_names == names:
            continue
        patch = EntryPatch(people=new_names) if mark == "person" else EntryPatch(tags=new_names)
        entries_service.patch_entry(session, user=user, entry_id=entry_id, patch=patch)
        changed += 1
    return Renamed(changed=changed)
