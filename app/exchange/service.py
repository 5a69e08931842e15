"""Export reads a consistent snapshot page by page (import: ``app.exchange.importing``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlmodel import Session

from app.auth.models import Account
from app.core.database import Database
from app.entries import service as entries_service
from app.entries.models import EntryPublic
from app.exchange import formats
from app.exchange.models import ExportFormat, ExportUser
from app.goals import service as goals_service
from app.pauses import service as pauses_service

PAGE_SIZE = 500
Progress = Callable[[int], None]


# --- export -------------------------------------------------------------------------------------


@contextmanager
def snapshot(database: Database) -> Iterator[Session]:
    """A read session whose pages all see one moment (one read transaction: see ``app.core.database``)."""
    with database.read_session() as session:
        yield session


def export_user(user: Account) -> ExportUser:
    return ExportUser.model_validate(user, from_attributes=True)


def count_entries(session: Session, *, user_id: uuid.UUID) -> int:
    return entries_service.count_live_entries(session, user_id=user_id)


def render_export(
    session: Session,
    *,
    user: Account,
    export_format: ExportFormat,
    exported_at: datetime,
    progress: Progress | None = None,
) -> Iterator[str]:
    """The whole export of ``user`` as text chunks, read from ``session`` while it is consumed."""
    owner = export_user(user)
    goals = goals_service.list_goals(session, user_id=user.id, status="all")
    pages: Iterator[list[EntryPublic]] = entries_service.journal_pages(session, user_id=user.id, page_size=PAGE_SIZE)
    if progress is not None:
        pages = _reporting(pages, progress)
    if export_format == "json":
        pauses = pauses_service.list_pauses(session, user_id=user.id, first=None, last=None)
        return formats.render_json(user=owner, goals=goals, pauses=pauses, pages=pages, exported_at=exported_at)
    if export_format == "csv":
        return formats.render_csv(goals=goals, pages=pages)
    return formats.render_markdown(user=owner, goals=goals, pages=pages, exported_at=exported_at)


def _reporting(pages: Iterator[list[EntryPublic]], progress: Progress) -> Iterator[list[EntryPublic]]:
    for page in pages:
        yield page
        progress(len(page))
