"""Import of a JSON export or a CSV into one account, inside the caller's one transaction.

All or nothing and idempotent by id: an id that is free or already the user's is kept, an
id another account owns becomes UUIDv5(user id, original id), an object already equal to
the imported one is skipped, and a deleted one stays deleted (skipped; links to it are
dropped). Each entry keeps the file's ``local_date`` when it is the date of ``occurred_at``
in the entry's zone or the day before. With ``settings_allowed`` false (a token) the
file's ``user`` block is skipped.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import Table, update
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.models import User, UserUpdate
from app.core.errors import ProblemError, ValidationProblem
from app.core.sequence import lock_sequence
from app.core.synced import Stored
from app.core.timezones import local_date
from app.entries import service as entries_service
from app.entries.models import Entry, EntryCreate, EntryPublic, EntryReplace
from app.exchange import formats
from app.exchange.models import EXPORT_FORMAT_NAME, EXPORT_VERSION, ExportUser, ImportReport
from app.exchange.service import export_user
from app.goals import service as goals_service
from app.goals.models import GoalCreate, GoalPublic, GoalReplace

SOURCE_MAX_LENGTH = 60
_ENTRIES: Table = Entry.__table__  # type: ignore[attr-defined]
# (entries done, entries in the file): an import reports each entry it has handled.
ImportProgress = Callable[[int, int], None]
Found = TypeVar("Found", bound=Stored[Any])
Replace = TypeVar("Replace", bound=BaseModel)


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
        self.deleted_goals: dict[uuid.UUID, bool] = {}

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

    def is_deleted_goal(self, goal_id: uuid.UUID) -> bool:
        """Whether ``goal_id`` is one of the user's deleted goals (an entry's link to it is dropped)."""
        if goal_id not in self.deleted_goals:
            found = self.find_goal(goal_id)
            self.deleted_goals[goal_id] = found is not None and found.user_id == self.user.id and found.deleted
        return self.deleted_goals[goal_id]

    def live_goal_links(self, originals: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        mapped = (self.goal_id(goal) for goal in originals)
        return [goal for goal in mapped if not self.is_deleted_goal(goal)]

    def apply_settings(self, raw: Any, *, allowed: bool) -> None:
        if not allowed:
            self.report.settings = "skipped"
            return
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

    def put_entry(self, row: ImportedEntry, where: str, loc: Sequence[str | int]) -> None:
        try:
            body = EntryReplace.model_validate(row.fields)
        except ValidationError as error:
            raise _row_problem(where, loc, error) from error
        body = body.model_copy(update={"goal_ids": self.live_goal_links(body.goal_ids)})
        source = _checked_source(row.source, where, loc)
        entry_id, existing = self.own_id(self.find_entry, row.entry_id, where)
        day = self._checked_day(row.local_date, body, existing, where, loc)
        counts = self.report.entries
        try:
            if existing is None:
                create = EntryCreate(id=entry_id, **body.model_dump())
                written = entries_service.create_entry(
                    self.session, user=self.user, source=source or self.source, body=create
                )
                counts.created += 1
            elif existing.deleted or (_same_entry(existing.public, body) and day in (None, existing.public.local_date)):
                counts.skipped += 1
                return
            else:
                written = entries_service.replace_entry(
                    self.session, user=self.user, source=self.source, entry_id=entry_id, body=body
                )
                counts.updated += 1
        except ProblemError as error:
            raise _row_problem(where, loc, error) from error
        if day is not None and written.public is not None and day != written.public.local_date:
            # History never moves: the day the file gives, once checked against the entry's time and zone.
            self.session.execute(update(_ENTRIES).where(_ENTRIES.c.id == entry_id).values(local_date=day))

    def _checked_day(
        self,
        given: Any,
        body: EntryReplace,
        existing: Stored[EntryPublic] | None,
        where: str,
        loc: Sequence[str | int],
    ) -> date | None:
        """The file's ``local_date`` when it is the date of ``occurred_at`` in the entry's zone or the day before."""
        if given is None or given == "":
            return None
        current = None if existing is None or existing.deleted else existing.public
        occurred_at = body.occurred_at or (current.occurred_at if current else None)
        if occurred_at is None:
            return None
        timezone = body.timezone or (current.timezone if current else self.user.timezone)
        try:
            day = date.fromisoformat(str(given))
        except ValueError as error:
            raise _problem(
                where, [*loc, "local_date"], "local_date: not a date (YYYY-MM-DD)", "date_parsing"
            ) from error
        calendar_day = local_date(occurred_at, timezone, 0)
        if day not in (calendar_day, calendar_day - timedelta(days=1)):
            message = f"local_date: {day} is neither {calendar_day} (occurred_at in {timezone}) nor the day before"
            raise _problem(where, [*loc, "local_date"], message, "local_date_mismatch")
        return day


class ImportedEntry(NamedTuple):
    """One entry of a file, before it is checked: its writable fields and what the file says besides."""

    entry_id: uuid.UUID
    fields: Mapping[str, Any]
    source: Any
    local_date: Any


def _checked_source(source: Any, where: str, loc: Sequence[str | int]) -> str | None:
    """A ``source`` the file gives: text of at most 60 characters, without NUL (else the row is bad)."""
    if source is None or source == "":
        return None
    if not isinstance(source, str):
        raise _problem(where, [*loc, "source"], "source: must be text", "string_type")
    if len(source) > SOURCE_MAX_LENGTH:
        message = f"source: at most {SOURCE_MAX_LENGTH} characters"
        raise _problem(where, [*loc, "source"], message, "string_too_long")
    if "\x00" in source:
        raise _problem(where, [*loc, "source"], "source: NUL (U+0000) is not allowed", "nul_character")
    return source


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
    session: Session,
    *,
    user: User,
    source: str,
    raw: bytes,
    progress: ImportProgress | None = None,
    settings_allowed: bool = True,
) -> ImportReport:
    """Import a JSON export: settings (unless ``settings_allowed`` is false), then goals, then entries."""
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise _problem("document", [], f"not JSON: {error}", "json_invalid") from error
    except RecursionError as error:
        raise _problem("document", [], "not an export: nested too deeply", "json_invalid") from error
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT_NAME:
        raise _problem("document", ["format"], f'not a Synclog export (format must be "{EXPORT_FORMAT_NAME}")')
    if document.get("version") != EXPORT_VERSION:
        raise _problem("document", ["version"], f"unsupported export version (this server reads {EXPORT_VERSION})")
    goals, entries = document.get("goals", []), document.get("entries", [])
    if not isinstance(goals, list) or not isinstance(entries, list):
        raise _problem("document", [], "goals and entries must be lists")
    importer = _Importer(session, user=user, source=source)
    if "user" in document:
        importer.apply_settings(document["user"], allowed=settings_allowed)
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
        importer.put_entry(ImportedEntry(entry_id, fields, entry.get("source"), entry.get("local_date")), where, loc)
        if progress is not None:
            progress(index + 1, len(entries))
    return importer.report


_CSV_WRITABLE = ("occurred_at", "timezone", "kind", "intensity", "lat", "lon")
_CSV_TEXT = ("note", "meaning", "place")


def import_csv(
    session: Session,
    *,
    user: User,
    source: str,
    raw: bytes,
    progress: ImportProgress | None = None,
    settings_allowed: bool = True,
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
        for name in _CSV_TEXT:
            if name in row:
                fields[name] = formats.read_text_cell(row[name])
                if fields[name] is None and name != "place":
                    del fields[name]
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
        given = ImportedEntry(entry_id, fields, formats.read_text_cell(row.get("source")), row.get("local_date"))
        importer.put_entry(given, where, loc)
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
        elif goal_id is not None and importer.is_deleted_goal(goal_id):
            continue  # deleted since the export: the link is dropped
        elif name.casefold() in titles:
            resolved.append(str(titles[name.casefold()]))
        else:
            message = f"goals: no goal titled {name!r}" if name else f"goal_ids: unknown goal {ids[index]}"
            raise _problem(where, [*loc, "goals" if name else "goal_ids"], message, "unknown_goal")
    return resolved


def import_file(
    session: Session,
    *,
    user: User,
    source: str,
    raw: bytes,
    is_csv: bool,
    progress: ImportProgress | None = None,
    settings_allowed: bool = True,
) -> ImportReport:
    """Import into ``user``; ``settings_allowed`` is false for a token (the file's ``user`` block is skipped)."""
    lock_sequence(session, user_id=user.id)  # the counter before any row, as every write of the user does
    importer = import_csv if is_csv else import_export_document
    return importer(session, user=user, source=source, raw=raw, progress=progress, settings_allowed=settings_allowed)


def looks_like_csv(raw: bytes) -> bool:
    """For files named on the command line: a JSON export starts with ``{``."""
    return not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
