"""Import of a JSON export or a CSV into one account, in two steps: ``check_file`` reads and checks the
whole file (nothing written, so it runs before the write slot is taken; for the API in a slow-work
process, ``check_file_in_slow_work``), then ``write_import`` writes it in the caller's one
transaction, entries in bulk (``app.entries.service.write_entries``).

All or nothing and idempotent by id: an id that is free or already the user's is kept, an
id another account owns becomes UUIDv5(user id, original id), an object already equal to
the imported one is skipped, and a deleted one stays deleted (skipped; links to it are
dropped). Each entry keeps the file's ``local_date`` when it is the date of ``occurred_at``
in the entry's zone or the day before. With ``settings_allowed`` false (a token) the
file's ``user`` block is skipped. An id given twice must carry the same row both times (the repeat
is skipped).
"""

from __future__ import annotations

import json
import pickle
import uuid
from collections.abc import Callable, Mapping, Sequence, Set
from datetime import datetime
from typing import Any, TypeVar

from anyio import to_thread
from pydantic import ValidationError
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.models import Account, UserUpdate
from app.core import slow_work
from app.core.bulk import bulk_write, collector_paused
from app.core.database import utcnow
from app.core.errors import ProblemError
from app.core.sequence import lock_sequence
from app.core.settings import Settings
from app.core.synced import Stored
from app.entries import goal_links
from app.entries import service as entries_service
from app.entries.columns import EntryRow, prepared_entry, stored_columns
from app.entries.models import EntryPublic, EntryReplace
from app.exchange.import_checks import (
    CheckedEntry,
    CheckedGoal,
    CheckedImport,
    CheckedPause,
    ImportedEntry,
    checked_day,
    checked_object,
    checked_pause,
    checked_source,
    document_entry,
    entry_place,
    on_day,
    problem,
    row_problem,
    same_entry,
    unique_entries,
    writable,
)
from app.exchange.import_csv import csv_entries
from app.exchange.models import EXPORT_FORMAT_NAME, EXPORT_VERSION, ExportUser, ImportReport
from app.exchange.service import export_user
from app.goals import service as goals_service
from app.goals.models import GoalCreate, GoalPublic, GoalReplace
from app.pauses import service as pauses_service
from app.pauses.models import PauseCreate, PauseReplace

# (entries done, entries in the file): an import reports each entry it has handled.
ImportProgress = Callable[[int, int], None]
Found = TypeVar("Found", bound=Stored[Any])
# Entries looked up and written together: a few statements each, and memory bounded whatever the file's size.
ENTRY_CHUNK = 10_000


class _Importer:
    """One import into one account: its checks (with ``session`` a read), or its writes (inside the transaction)."""

    def __init__(self, session: Session, *, user: Account, source: str, now: datetime | None = None) -> None:
        self.session = session
        self.user = user
        self.source = source
        self.now = now or utcnow()
        self.home_timezone, self.day_start_hour = user.timezone, user.day_start_hour
        self.dialect = session.get_bind().dialect
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

    def goal_id(self, original: uuid.UUID) -> uuid.UUID:
        """A goal named by an entry: as imported in this file, the user's own, or re-keyed by an earlier import."""
        if original not in self.goal_ids:
            found = self.find_goal(original)
            own = found is None or found.user_id == self.user.id
            self.goal_ids[original] = original if own else uuid.uuid5(self.user.id, str(original))
        return self.goal_ids[original]

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
        """The settings to apply, or None (a token's import: reported as skipped, though checked like any part);
        entries are checked under the file's timezone and day_start_hour when the settings are applied."""
        try:
            settings = ExportUser.model_validate(raw)
            changes = UserUpdate.model_validate(settings.model_dump())
        except ValidationError as error:
            raise row_problem("user", ["user"], error) from error
        if not allowed:
            self.report.settings = "skipped"
            return None
        self.home_timezone, self.day_start_hour = settings.timezone, settings.day_start_hour
        return None if export_user(self.user) == settings else changes

    def apply_settings(self, changes: UserUpdate | None) -> None:
        if changes is not None:
            auth_service.update_user(self.session, user_id=self.user.id, changes=changes)
            # The entries that follow are stored under the account's new settings.
            self.user = auth_service.get_account(self.session, user_id=self.user.id)
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
        elif existing.deleted or writable(existing.public, GoalReplace) == body:
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
            elif writable(existing.public, PauseReplace) == body:
                counts.skipped += 1
            else:
                pauses_service.replace_pause(self.session, user_id=self.user.id, pause_id=pause_id, body=body)
                counts.updated += 1
        except ProblemError as error:
            raise row_problem(where, loc, error) from error

    def check_entry(self, row: ImportedEntry, where: str, loc: Sequence[str | int]) -> CheckedEntry:
        """Everything about a row that needs no write: its fields, ``source``, ``local_date`` and stored columns."""
        try:
            body = EntryReplace.model_validate(row.fields)
        except ValidationError as error:
            raise row_problem(where, loc, error) from error
        source = checked_source(row.source, where, loc)
        day = checked_day(row.local_date, body, self.home_timezone, where, loc)
        try:
            columns = on_day(
                stored_columns(
                    body,
                    home_timezone=self.home_timezone,
                    day_start_hour=self.day_start_hour,
                    now=self.now,
                    current=None,
                ),
                day,
            )
        except ProblemError as error:
            raise row_problem(where, loc, error) from error
        new = EntryRow(row.entry_id, columns, [], source or self.source, None)
        prepared = prepared_entry(self.dialect, new, user_id=self.user.id, now=self.now)
        return CheckedEntry(row.entry_id, body, source, day, columns, where, tuple(loc), prepared)

    def put_entries(self, checked: Sequence[CheckedEntry], progress: ImportProgress | None) -> None:
        """Write the checked entries, a chunk at a time: their stored rows looked up at once, then written at once."""
        live = {goal.id for goal in goals_service.list_goals(self.session, user_id=self.user.id, status="all")}
        for start in range(0, len(checked), ENTRY_CHUNK):
            chunk = checked[start : start + ENTRY_CHUNK]
            found = self.find_entries([entry.entry_id for entry in chunk])
            rows = [row for entry in chunk if (row := self.entry_row(entry, found, live)) is not None]
            entries_service.write_entries(self.session, user_id=self.user.id, rows=rows, now=self.now)
            updated = sum(row.current_version is not None for row in rows)
            self.report.entries.created += len(rows) - updated
            self.report.entries.updated += updated
            if progress is not None:
                progress(start + len(chunk), len(checked))

    def find_entries(self, originals: Sequence[uuid.UUID]) -> dict[uuid.UUID, Stored[EntryPublic]]:
        """What is stored under these ids, and under the re-keyed ids of those another account owns."""
        found = entries_service.find_entries(self.session, entry_ids=originals)
        foreign = [entry_id for entry_id, stored in found.items() if stored.user_id != self.user.id]
        found.update(
            entries_service.find_entries(
                self.session, entry_ids=[uuid.uuid5(self.user.id, str(entry_id)) for entry_id in foreign]
            )
        )
        return found

    def entry_row(
        self, checked: CheckedEntry, found: Mapping[uuid.UUID, Stored[EntryPublic]], live: Set[uuid.UUID]
    ) -> EntryRow | None:
        """The row to write for one checked entry, or None when it is skipped (equal, or deleted here)."""
        row_id, body, source, day, columns, where, loc, prepared = checked
        links = self.live_goal_links(body.goal_ids) if body.goal_ids else []
        entry_id, existing = (row_id, None) if row_id not in found else self.own_id(found.get, row_id, where)
        counts = self.report.entries
        try:
            if existing is None:  # the columns (and the driver's rows) were worked out when the row was checked
                goal_ids = goal_links.checked_goal_ids(links, live=live) if links else []
                return EntryRow(entry_id, columns, goal_ids, source or self.source, None, prepared)
            body = body.model_copy(update={"goal_ids": links})
            if existing.deleted or (same_entry(existing.public, body) and day in (None, existing.public.local_date)):
                counts.skipped += 1
                return None
            columns = stored_columns(
                body,
                home_timezone=self.user.timezone,
                day_start_hour=self.user.day_start_hour,
                now=self.now,
                current=existing.public,
            )
            goal_ids = goal_links.checked_goal_ids(links, live=live)
        except ProblemError as error:
            raise row_problem(where, loc, error) from error
        return EntryRow(entry_id, on_day(columns, day), goal_ids, self.source, existing.public)


def check_document(importer: _Importer, raw: bytes, *, settings_allowed: bool) -> CheckedImport:
    """Parse and check a JSON export: its settings (skipped unless ``settings_allowed``), goals, pauses and entries."""
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
    changes = importer.check_settings(document["user"], allowed=settings_allowed) if "user" in document else None
    checked_goals = [importer.check_goal(goal, f"goals[{index}]", ("goals", index)) for index, goal in enumerate(goals)]
    checked_pauses = [checked_pause(pause, f"pauses[{index}]", ("pauses", index)) for index, pause in enumerate(pauses)]
    checked = [
        importer.check_entry(document_entry(entry, index), *entry_place(index)) for index, entry in enumerate(entries)
    ]
    return _checked_import(importer, changes, checked_goals, checked, checked_pauses)


def _checked_import(
    importer: _Importer,
    changes: UserUpdate | None,
    goals: list[CheckedGoal],
    entries: Sequence[CheckedEntry],
    pauses: list[CheckedPause],
) -> CheckedImport:
    unique = unique_entries(entries)
    skipped = importer.report.settings == "skipped"
    return CheckedImport(changes, skipped, goals, pauses, unique, len(entries) - len(unique), importer.now)


def check_file(
    session: Session, *, user: Account, source: str, raw: bytes, is_csv: bool, settings_allowed: bool = True
) -> CheckedImport:
    """Parse and check a whole file for ``user`` (``session`` only reads): a bad row is a 422 naming it.

    ``settings_allowed`` is false for a token (the file's ``user`` block is skipped).
    """
    importer = _Importer(session, user=user, source=source)
    if is_csv:
        return _checked_import(importer, None, [], csv_entries(importer, raw), [])
    return check_document(importer, raw, settings_allowed=settings_allowed)


def check_account_file(
    settings: Settings, *, user_id: uuid.UUID, source: str, raw: bytes, is_csv: bool, settings_allowed: bool
) -> bytes:
    """``check_file`` for the account ``user_id`` with a read session of its own on the database ``settings`` name,
    pickled (what a slow-work process runs for the API's import): 401 if the account is gone, 422 naming a bad row.
    """
    with slow_work.database(settings).read_session() as session:
        user = auth_service.get_account(session, user_id=user_id)
        checked = check_file(
            session, user=user, source=source, raw=raw, is_csv=is_csv, settings_allowed=settings_allowed
        )
    return pickle.dumps(checked, protocol=pickle.HIGHEST_PROTOCOL)


def _unpickled(data: bytes) -> CheckedImport:
    with collector_paused():
        # Made by ``check_account_file`` in a slow-work process of this server: never data from outside.
        checked: CheckedImport = pickle.loads(data)  # noqa: S301  # nosec B301
    return checked


async def check_file_in_slow_work(
    settings: Settings, *, user_id: uuid.UUID, source: str, raw: bytes, is_csv: bool, settings_allowed: bool
) -> CheckedImport:
    """``check_account_file`` in a slow-work process (``app.core.slow_work``): the server's event loop waits for it,
    and the parsing and checking (seconds of pydantic for a large file) hold none of the server's GIL or cores.

    The checked file comes back pickled, and is unpickled in the thread pool with the garbage collector
    paused: for 100 000 entries ~2 s of the server's CPU, against ~7 s with it running and 25 s for the
    check itself (on a loaded 2-core machine; docs/benchmarks.md, "Load run").
    """
    data = await slow_work.run(
        check_account_file,
        settings,
        user_id=user_id,
        source=source,
        raw=raw,
        is_csv=is_csv,
        settings_allowed=settings_allowed,
    )
    return await to_thread.run_sync(_unpickled, data)


def write_import(
    session: Session, *, user: Account, source: str, checked: CheckedImport, progress: ImportProgress | None = None
) -> ImportReport:
    """Write a checked file in ``session``'s transaction: settings, then goals, pauses, then entries in bulk.

    ``user`` is the account as ``session`` reads it. A row that the stored data makes invalid (a goal
    deleted since the check) is a 422 naming it, and the caller's transaction then writes nothing.
    """
    importer = _Importer(session, user=user, source=source, now=checked.now)
    lock_sequence(session, user_id=user.id)  # the counter before any write, as every write of the user does
    if checked.settings_skipped:
        importer.report.settings = "skipped"
    importer.apply_settings(checked.settings)
    for goal in checked.goals:
        importer.put_goal(goal)
    for pause in checked.pauses:
        importer.put_pause(pause)
    with bulk_write(session):
        importer.put_entries(checked.entries, progress)
    importer.report.entries.skipped += checked.repeats
    return importer.report


def import_file(
    session: Session,
    *,
    user: Account,
    source: str,
    raw: bytes,
    is_csv: bool,
    progress: ImportProgress | None = None,
    settings_allowed: bool = True,
) -> ImportReport:
    """``check_file`` then ``write_import``, in one write transaction (the command line's import)."""
    checked = check_file(session, user=user, source=source, raw=raw, is_csv=is_csv, settings_allowed=settings_allowed)
    return write_import(session, user=user, source=source, checked=checked, progress=progress)


def write_checked(session: Session, *, user_id: uuid.UUID, source: str, checked: CheckedImport) -> ImportReport:
    """``write_import`` into the account ``user_id`` as ``session`` reads it (the API's import, in the write slot)."""
    user = auth_service.get_account(session, user_id=user_id)
    return write_import(session, user=user, source=source, checked=checked)


def looks_like_csv(raw: bytes) -> bool:
    """For files named on the command line: a JSON export starts with ``{``."""
    return not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
