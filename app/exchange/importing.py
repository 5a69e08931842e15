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
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import Table, update
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.models import User, UserUpdate
from app.core.errors import ProblemError
from app.core.sequence import lock_sequence
from app.core.synced import Stored
from app.entries import goal_links, marks
from app.entries import service as entries_service
from app.entries.models import Entry, EntryCreate, EntryPublic, EntryReplace
from app.exchange import formats
from app.exchange.import_checks import (
    CheckedEntry,
    CheckedGoal,
    CheckedPause,
    ImportedEntry,
    checked_day,
    checked_object,
    checked_pause,
    checked_source,
    problem,
    row_problem,
)
from app.exchange.models import EXPORT_FORMAT_NAME, EXPORT_VERSION, ExportUser, ImportReport
from app.exchange.service import export_user
from app.goals import service as goals_service
from app.goals.models import GoalCreate, GoalPublic, GoalReplace
from app.pauses import service as pauses_service
from app.pauses.models import PauseCreate, PauseReplace

_ENTRIES: Table = Entry.__table__  # type: ignore[attr-defined]
# (entries done, entries in the file): an import reports each entry it has handled.
ImportProgress = Callable[[int, int], None]
Found = TypeVar("Found", bound=Stored[Any])
Replace = TypeVar("Replace", bound=BaseModel)


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
            raise problem(where, ["id"], "id belongs to another account", "foreign_id")
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

    def check_settings(self, raw: Any, *, allowed: bool) -> UserUpdate | None:
        """The settings to apply, or None (a token's import: reported as skipped, though checked like any part)."""
        try:
            settings = ExportUser.model_validate(raw)
            changes = UserUpdate.model_validate(settings.model_dump())
        except ValidationError as error:
            raise row_problem("user", ["user"], error) from error
        if not allowed:
            self.report.settings = "skipped"
            return None
        return None if export_user(self.user) == settings else changes

    def apply_settings(self, changes: UserUpdate | None) -> None:
        if changes is not None:
            auth_service.update_user(self.session, user=self.user, changes=changes)
            self.report.settings = "updated"

    def check_goal(self, raw: Any, where: str, loc: Sequence[str | int]) -> CheckedGoal:
        original, raw = checked_object(raw, where, loc, "goal")
        fields = {name: raw[name] for name in GoalReplace.model_fields if name in raw}
        try:
            return CheckedGoal(original, GoalReplace.model_validate(fields), where)
        except ValidationError as error:
            raise row_problem(where, loc, error) from error

    def put_goal(self, checked: CheckedGoal) -> None:
        original, body, where = checked
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

    def put_pause(self, checked: CheckedPause) -> None:
        original, body, where, loc = checked
        pause_id, existing = self.own_id(
            lambda found: pauses_service.find_pause(self.session, pause_id=found), original, where
        )
        goal_id = None if body.goal_id is None else self.goal_id(body.goal_id)
        counts = self.report.pauses
        if (existing is not None and existing.deleted) or (goal_id is not None and self.is_deleted_goal(goal_id)):
            counts.skipped += 1  # deleted since the export (a goal's pauses go with it): it stays deleted
            return
        body = body.model_copy(update={"goal_id": goal_id})
        try:
            if existing is None:
                create = PauseCreate(id=pause_id, **body.model_dump())
                pauses_service.create_pause(self.session, user_id=self.user.id, body=create)
                counts.created += 1
            elif _writable(existing.public, PauseReplace) == body:
                counts.skipped += 1
            else:
                pauses_service.replace_pause(self.session, user_id=self.user.id, pause_id=pause_id, body=body)
                counts.updated += 1
        except ProblemError as error:
            raise row_problem(where, loc, error) from error

    def check_entry(self, row: ImportedEntry, where: str, loc: Sequence[str | int]) -> CheckedEntry:
        """Everything about a row that needs no write: its fields, ``source`` and ``local_date``."""
        try:
            body = EntryReplace.model_validate(row.fields)
        except ValidationError as error:
            raise row_problem(where, loc, error) from error
        source = checked_source(row.source, where, loc)
        day = checked_day(row.local_date, body, self.user.timezone, where, loc)
        return CheckedEntry(row.entry_id, body, source, day, where, tuple(loc))

    def put_entry(self, checked: CheckedEntry) -> None:
        row_id, body, source, day, where, loc = checked
        body = body.model_copy(update={"goal_ids": self.live_goal_links(body.goal_ids)})
        entry_id, existing = self.own_id(self.find_entry, row_id, where)
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
            raise row_problem(where, loc, error) from error
        if day is not None and written.public is not None and day != written.public.local_date:
            # History never moves: the day the file gives, once checked against the entry's time and zone.
            self.session.execute(update(_ENTRIES).where(_ENTRIES.c.id == entry_id).values(local_date=day))
            goal_links.move_links(self.session, entry_id=entry_id, local_date=day)
            marks.move(self.session, entry_id=entry_id, local_date=day)


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
    """Import a JSON export: settings (unless ``settings_allowed`` is false), then goals, pauses and entries."""
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise problem("document", [], f"not JSON: {error}", "json_invalid") from error
    except RecursionError as error:
        raise problem("document", [], "not an export: nested too deeply", "json_invalid") from error
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT_NAME:
        raise problem("document", ["format"], f'not a Synclog export (format must be "{EXPORT_FORMAT_NAME}")')
    if document.get("version") != EXPORT_VERSION:
        raise problem("document", ["version"], f"unsupported export version (this server reads {EXPORT_VERSION})")
    goals, pauses, entries = (document.get(name, []) for name in ("goals", "pauses", "entries"))
    if not isinstance(goals, list) or not isinstance(pauses, list) or not isinstance(entries, list):
        raise problem("document", [], "goals, pauses and entries must be lists")
    importer = _Importer(session, user=user, source=source)
    changes = importer.check_settings(document["user"], allowed=settings_allowed) if "user" in document else None
    checked_goals = [importer.check_goal(goal, f"goals[{index}]", ("goals", index)) for index, goal in enumerate(goals)]
    checked_pauses = [checked_pause(pause, f"pauses[{index}]", ("pauses", index)) for index, pause in enumerate(pauses)]
    checked = [
        importer.check_entry(_document_entry(entry, index), *_entry_place(index)) for index, entry in enumerate(entries)
    ]
    lock_sequence(session, user_id=user.id)  # the counter before any write, as every write of the user does
    importer.apply_settings(changes)
    for goal in checked_goals:
        importer.put_goal(goal)
    for pause in checked_pauses:
        importer.put_pause(pause)
    _put_entries(importer, checked, progress)
    return importer.report


def _entry_place(index: int) -> tuple[str, tuple[str | int, ...]]:
    return f"entries[{index}]", ("entries", index)


def _document_entry(entry: Any, index: int) -> ImportedEntry:
    where, loc = _entry_place(index)
    if not isinstance(entry, dict):
        raise problem(where, loc, "an entry must be an object")
    try:
        entry_id = uuid.UUID(str(entry["id"]))
    except (KeyError, ValueError) as error:
        raise problem(where, [*loc, "id"], "id must be a UUID") from error
    fields = {name: entry[name] for name in EntryReplace.model_fields if name in entry}
    return ImportedEntry(entry_id, fields, entry.get("source"), entry.get("local_date"))


def _put_entries(importer: _Importer, checked: Sequence[CheckedEntry], progress: ImportProgress | None) -> None:
    for done, entry in enumerate(checked, start=1):
        importer.put_entry(entry)
        if progress is not None:
            progress(done, len(checked))


_CSV_WRITABLE = ("occurred_at", "timezone", "kind", "intensity", "lat", "lon")
_CSV_TEXT = ("inner", "note", "meaning", "place")


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
        raise problem("document", [], "a CSV import must be UTF-8") from error
    unknown = [name for name in header if name not in formats.CSV_COLUMNS]
    if unknown or "occurred_at" not in header:
        message = f"unknown columns: {', '.join(unknown)}" if unknown else "the occurred_at column is required"
        raise problem("header", ["header"], message)
    importer = _Importer(session, user=user, source=source)
    checked: list[CheckedEntry] = []
    titles = {
        goal.title.casefold(): goal.id for goal in goals_service.list_goals(session, user_id=user.id, status="all")
    }
    for line, row in enumerate(rows, start=2):
        where, loc = f"row {line}", ("row", line)
        if None in row:
            raise problem(where, loc, "more cells than columns")
        if not row.get("occurred_at"):
            raise problem(where, [*loc, "occurred_at"], "occurred_at: required")
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
            raise problem(where, [*loc, "id"], "id must be a UUID") from error
        given = ImportedEntry(entry_id, fields, formats.read_text_cell(row.get("source")), row.get("local_date"))
        checked.append(importer.check_entry(given, where, loc))
    lock_sequence(session, user_id=user.id)  # the counter before any write, as every write of the user does
    _put_entries(importer, checked, progress)
    return importer.report


def _csv_goal_ids(
    importer: _Importer, row: Mapping[str, str], titles: Mapping[str, uuid.UUID], where: str, loc: Sequence[str | int]
) -> list[str]:
    """A row's goals by id when this account has them, else by title (a CSV from another server)."""
    names = formats.split_list(row.get("goals"))
    try:
        ids = [uuid.UUID(cell) for cell in formats.split_list(row.get("goal_ids"))]
    except ValueError as error:
        raise problem(where, [*loc, "goal_ids"], "goal_ids: not a list of UUIDs") from error
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
            raise problem(where, [*loc, "goals" if name else "goal_ids"], message, "unknown_goal")
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
    """Import into ``user``; ``settings_allowed`` is false for a token (the file's ``user`` block is skipped).

    Every row is parsed and checked before the first write, so a bad row costs no writes.
    """
    importer = import_csv if is_csv else import_export_document
    return importer(session, user=user, source=source, raw=raw, progress=progress, settings_allowed=settings_allowed)


def looks_like_csv(raw: bytes) -> bool:
    """For files named on the command line: a JSON export starts with ``{``."""
    return not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
