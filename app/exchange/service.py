"""Export reads a consistent snapshot page by page; import writes through the goal and entry services.

Import is all or nothing (the caller's one transaction) and idempotent by id: an id that
is free or already the user's is kept, an id another account owns becomes
UUIDv5(user id, original id), an object already equal to the imported one is skipped, and
a deleted one stays deleted (skipped).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.models import User, UserUpdate
from app.core.database import Database
from app.core.errors import ProblemError, ValidationProblem
from app.core.sequence import lock_sequence
from app.core.synced import Stored
from app.entries import service as entries_service
from app.entries.models import EntryCreate, EntryPublic, EntryReplace
from app.exchange import formats
from app.exchange.models import EXPORT_FORMAT_NAME, EXPORT_VERSION, ExportFormat, ExportUser, ImportReport
from app.goals import service as goals_service
from app.goals.models import GoalCreate, GoalPublic, GoalReplace

PAGE_SIZE = 500
Progress = Callable[[int], None]
# (entries done, entries in the file): an import reports each entry it has handled.
ImportProgress = Callable[[int, int], None]
Found = TypeVar("Found", bound=Stored[Any])
Replace = TypeVar("Replace", bound=BaseModel)


# --- export -------------------------------------------------------------------------------------


@contextmanager
def snapshot(database: Database) -> Iterator[Session]:
    """A read session whose pages all see one moment (one read transaction: see ``app.core.database``)."""
    with database.read_session() as session:
        yield session


def export_user(user: User) -> ExportUser:
    return ExportUser.model_validate(user, from_attributes=True)


def count_entries(session: Session, *, user_id: uuid.UUID) -> int:
    return entries_service.count_live_entries(session, user_id=user_id)


def render_export(
    session: Session,
    *,
    user: User,
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
        return formats.render_json(user=owner, goals=goals, pages=pages, exported_at=exported_at)
    if export_format == "csv":
        return formats.render_csv(goals=goals, pages=pages)
    return formats.render_markdown(user=owner, goals=goals, pages=pages, exported_at=exported_at)


def _reporting(pages: Iterator[list[EntryPublic]], progress: Progress) -> Iterator[list[EntryPublic]]:
    for page in pages:
        yield page
        progress(len(page))


# --- import -------------------------------------------------------------------------------------


def _problem(where: str, loc: Sequence[str | int], message: str, kind: str = "value_error") -> ValidationProblem:
    return ValidationProblem(
        f"{where}: {message}", errors=[{"loc": ["body", *loc], "msg": message, "type": kind, "row": where}]
    )


def _row_problem(where: str, loc: Sequence[str | int], error: ValidationError | ProblemError) -> ValidationProblem:
    """Name the row in a validation failure, so nothing is imported and the user knows what to fix."""
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        message = f"{field}: {first['msg']}" if field else str(first["msg"])
        return _problem(where, [*loc, *first["loc"]], message, str(first["type"]))
    errors = error.extra.get("errors") or [{}]
    field = str((errors[0].get("loc") or ["", ""])[-1])
    message = f"{field}: {errors[0].get('msg', error.detail)}" if field else error.detail
    return _problem(where, [*loc, field] if field else loc, message, str(errors[0].get("type", error.code)))


class _Importer:
    """One import into one account, inside the caller's transaction."""

    def __init__(self, session: Session, *, user: User, source: str) -> None:
        self.session = session
        self.user = user
        self.source = source
        self.report = ImportReport()
        self.goal_ids: dict[uuid.UUID, uuid.UUID] = {}

    def own_id(
        self, find: Callable[[uuid.UUID], Found | None], original: uuid.UUID, where: str
    ) -> tuple[uuid.UUID, Found | None]:
        """The id an object of the file is kept under (see the module's docstring), and what is stored there."""
        found = find(original)
        if found is None or found.user_id == self.user.id:
            return original, found
        rekeyed = uuid.uuid5(self.user.id, str(original))
        found = find(rekeyed)
        if found is not None and found.user_id != self.user.id:
            raise _problem(where, ["id"], "id belongs to another account", "foreign_id")
        return rekeyed, found

    def find_goal(self, goal_id: uuid.UUID) -> Stored[GoalPublic] | None:
        return goals_service.find_goal(self.session, goal_id=goal_id)

    def find_entry(self, entry_id: uuid.UUID) -> Stored[EntryPublic] | None:
        return entries_service.find_entry(self.session, entry_id=entry_id)

    def goal_id(self, original: uuid.UUID) -> uuid.UUID:
        """A goal named by an entry: as imported in this file, the user's own, or re-keyed by an earlier import."""
        if original in self.goal_ids:
            return self.goal_ids[original]
        found = self.find_goal(original)
        if found is None or found.user_id == self.user.id:
            return original
        return uuid.uuid5(self.user.id, str(original))

    def apply_settings(self, raw: Any) -> None:
        try:
            settings = ExportUser.model_validate(raw)
            changes = UserUpdate.model_validate(settings.model_dump())
        except ValidationError as error:
            raise _row_problem("user", ["user"], error) from error
        current = export_user(self.user)
        if current != settings:
            auth_service.update_user(self.session, user=self.user, changes=changes)
            self.report.settings = "updated"

    def put_goal(self, raw: Any, where: str, loc: Sequence[str | int]) -> None:
        if not isinstance(raw, dict):
            raise _problem(where, loc, "a goal must be an object")
        try:
            original = uuid.UUID(str(raw["id"]))
        except (KeyError, ValueError) as error:
            raise _problem(where, [*loc, "id"], "id must be a UUID") from error
        fields = {name: raw[name] for name in GoalReplace.model_fields if name in raw}
        try:
            body = GoalReplace.model_validate(fields)
        except ValidationError as error:
            raise _row_problem(where, loc, error) from error
        goal_id, existing = self.own_id(self.find_goal, original, where)
        self.goal_ids[original] = goal_id
        counts = self.report.goals
        user_id = self.user.id
        if existing is None:
            goals_service.create_goal(self.session, user_id=user_id, body=GoalCreate(id=goal_id, **body.model_dump()))
            counts.created += 1
        elif existing.deleted or _writable(existing.public, GoalReplace) == body:
            counts.skipped += 1
        else:
            goals_service.replace_goal(self.session, user_id=user_id, goal_id=goal_id, body=body)
            counts.updated += 1

    def put_entry(
        self, fields: Mapping[str, Any], entry_id: uuid.UUID, source: str | None, where: str, loc: Sequence[str | int]
    ) -> None:
        try:
            body = EntryReplace.model_validate(fields)
        except ValidationError as error:
            raise _row_problem(where, loc, error) from error
        body = body.model_copy(update={"goal_ids": [self.goal_id(goal) for goal in body.goal_ids]})
        entry_id, existing = self.own_id(self.find_entry, entry_id, where)
        counts = self.report.entries
        try:
            if existing is None:
                create = EntryCreate(id=entry_id, **body.model_dump())
                entries_service.create_entry(self.session, user=self.user, source=source or self.source, body=create)
                counts.created += 1
            elif existing.deleted or _same_entry(existing.public, body):
                counts.skipped += 1
            else:
                entries_service.replace_entry(
                    self.session, user=self.user, source=self.source, entry_id=entry_id, body=body
                )
                counts.updated += 1
        except ProblemError as error:
            raise _row_problem(where, loc, error) from error


def _writable(public: BaseModel, replace: type[Replace]) -> Replace:
    """The part of a stored object's public values a client may write, as the body that writes it."""
    return replace.model_validate(public.model_dump(mode="json", include=set(replace.model_fields)))


def _same_entry(current: EntryPublic, body: EntryReplace) -> bool:
    stored = _writable(current, EntryReplace)
    wanted = body.model_copy(
        update={
            "occurred_at": body.occurred_at or stored.occurred_at,
            "timezone": body.timezone or stored.timezone,
            "goal_ids": sorted(set(body.goal_ids), key=str),
        }
    )
    return stored == wanted


def import_export_document(
    session: Session, *, user: User, source: str, raw: bytes, progress: ImportProgress | None = None
) -> ImportReport:
    """Import a JSON export: settings, then goals, then entries."""
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise _problem("document", [], f"not JSON: {error}", "json_invalid") from error
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT_NAME:
        raise _problem("document", ["format"], f'not a Synclog export (format must be "{EXPORT_FORMAT_NAME}")')
    if document.get("version") != EXPORT_VERSION:
        raise _problem("document", ["version"], f"unsupported export version (this server reads {EXPORT_VERSION})")
    goals, entries = document.get("goals", []), document.get("entries", [])
    if not isinstance(goals, list) or not isinstance(entries, list):
        raise _problem("document", [], "goals and entries must be lists")
    importer = _Importer(session, user=user, source=source)
    if "user" in document:
        importer.apply_settings(document["user"])
    for index, goal in enumerate(goals):
        importer.put_goal(goal, f"goals[{index}]", ("goals", index))
    for index, entry in enumerate(entries):
        where, loc = f"entries[{index}]", ("entries", index)
        if not isinstance(entry, dict):
            raise _problem(where, loc, "an entry must be an object")
        try:
            entry_id = uuid.UUID(str(entry["id"]))
        except (KeyError, ValueError) as error:
            raise _problem(where, [*loc, "id"], "id must be a UUID") from error
        fields = {name: entry[name] for name in EntryReplace.model_fields if name in entry}
        given = entry.get("source")
        importer.put_entry(fields, entry_id, given if isinstance(given, str) else None, where, loc)
        if progress is not None:
            progress(index + 1, len(entries))
    return importer.report


_CSV_WRITABLE = ("occurred_at", "timezone", "kind", "intensity", "note", "meaning", "place", "lat", "lon")


def import_csv(
    session: Session, *, user: User, source: str, raw: bytes, progress: ImportProgress | None = None
) -> ImportReport:
    """Import a CSV export (or a spreadsheet with some of its columns; ``occurred_at`` is required).

    A row without an ``id`` gets one derived from its content, so importing the file again
    still changes nothing. Goals are named by ``goal_ids`` or, failing that, by title.
    """
    try:
        header, rows = formats.read_csv(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise _problem("document", [], "a CSV import must be UTF-8") from error
    unknown = [name for name in header if name not in formats.CSV_COLUMNS]
    if unknown or "occurred_at" not in header:
        message = f"unknown columns: {', '.join(unknown)}" if unknown else "the occurred_at column is required"
        raise _problem("header", ["header"], message)
    importer = _Importer(session, user=user, source=source)
    total = max(raw.count(b"\n") - 1, 1)  # rows, roughly: a note may span lines
    titles = {
        goal.title.casefold(): goal.id for goal in goals_service.list_goals(session, user_id=user.id, status="all")
    }
    for line, row in enumerate(rows, start=2):
        where, loc = f"row {line}", ("row", line)
        if None in row:
            raise _problem(where, loc, "more cells than columns")
        if not row.get("occurred_at"):
            raise _problem(where, [*loc, "occurred_at"], "occurred_at: required")
        fields: dict[str, Any] = {name: row[name] for name in _CSV_WRITABLE if row.get(name)}
        fields["tags"] = formats.split_list(row.get("tags"))
        fields["people"] = formats.split_list(row.get("people"))
        fields["goal_ids"] = _csv_goal_ids(importer, row, titles, where, loc)
        try:
            entry_id = (
                uuid.UUID(row["id"])
                if row.get("id")
                else uuid.uuid5(user.id, json.dumps(row, sort_keys=True, ensure_ascii=False))
            )
        except ValueError as error:
            raise _problem(where, [*loc, "id"], "id must be a UUID") from error
        importer.put_entry(fields, entry_id, row.get("source") or None, where, loc)
        if progress is not None:
            progress(line - 1, max(total, line - 1))
    return importer.report


def _csv_goal_ids(
    importer: _Importer, row: Mapping[str, str], titles: Mapping[str, uuid.UUID], where: str, loc: Sequence[str | int]
) -> list[str]:
    """A row's goals by id when this account has them, else by title (a CSV from another server)."""
    names = formats.split_list(row.get("goals"))
    try:
        ids = [uuid.UUID(cell) for cell in formats.split_list(row.get("goal_ids"))]
    except ValueError as error:
        raise _problem(where, [*loc, "goal_ids"], "goal_ids: not a list of UUIDs") from error
    known = set(titles.values())
    resolved: list[str] = []
    for index, name in enumerate(names if len(names) >= len(ids) else [""] * len(ids)):
        goal_id = importer.goal_id(ids[index]) if index < len(ids) else None
        if goal_id is not None and goal_id in known:
            resolved.append(str(goal_id))
        elif name.casefold() in titles:
            resolved.append(str(titles[name.casefold()]))
        else:
            message = f"goals: no goal titled {name!r}" if name else f"goal_ids: unknown goal {ids[index]}"
            raise _problem(where, [*loc, "goals" if name else "goal_ids"], message, "unknown_goal")
    return resolved


def import_file(
    session: Session, *, user: User, source: str, raw: bytes, is_csv: bool, progress: ImportProgress | None = None
) -> ImportReport:
    lock_sequence(session, user_id=user.id)  # the counter before any row, as every write of the user does
    importer = import_csv if is_csv else import_export_document
    return importer(session, user=user, source=source, raw=raw, progress=progress)


def looks_like_csv(raw: bytes) -> bool:
    """For files named on the command line: a JSON export starts with ``{``."""
    return not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
