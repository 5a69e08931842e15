"""What an import checks before it writes anything: each row's fields, ``source`` and ``local_date``.

A failed check names the row (``entries[3]``, ``row 5``, ``user``) in a 422 ``validation_error``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError

from app.auth.models import UserUpdate
from app.core.errors import ProblemError, ValidationProblem
from app.core.timezones import local_date
from app.entries.columns import PreparedEntry
from app.entries.models import EntryPublic, EntryReplace
from app.goals.models import GoalReplace
from app.pauses.models import PauseReplace

SOURCE_MAX_LENGTH = 60
Replace = TypeVar("Replace", bound=BaseModel)


def problem(where: str, loc: Sequence[str | int], message: str, kind: str = "value_error") -> ValidationProblem:
    return ValidationProblem(
        f"{where}: {message}", errors=[{"loc": ["body", *loc], "msg": message, "type": kind, "row": where}]
    )


def row_problem(where: str, loc: Sequence[str | int], error: ValidationError | ProblemError) -> ValidationProblem:
    """Name the row in a validation failure, so nothing is imported and the user knows what to fix."""
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        message = f"{field}: {first['msg']}" if field else str(first["msg"])
        return problem(where, [*loc, *first["loc"]], message, str(first["type"]))
    errors = error.extra.get("errors") or [{}]
    field = str((errors[0].get("loc") or ["", ""])[-1])
    message = f"{field}: {errors[0].get('msg', error.detail)}" if field else error.detail
    return problem(where, [*loc, field] if field else loc, message, str(errors[0].get("type", error.code)))


class ImportedEntry(NamedTuple):
    """One entry of a file, before it is checked: its writable fields and what the file says besides."""

    entry_id: uuid.UUID
    fields: Mapping[str, Any]
    source: Any
    local_date: Any


class CheckedGoal(NamedTuple):
    original: uuid.UUID
    body: GoalReplace
    where: str


class CheckedPause(NamedTuple):
    original: uuid.UUID
    body: PauseReplace
    where: str
    loc: tuple[str | int, ...]


def checked_object(raw: Any, where: str, loc: Sequence[str | int], noun: str) -> tuple[uuid.UUID, dict[str, Any]]:
    """A goal's or pause's ``id`` and fields as the file gives them (422 naming the row if it has no UUID)."""
    if not isinstance(raw, dict):
        raise problem(where, loc, f"a {noun} must be an object")
    try:
        return uuid.UUID(str(raw["id"])), raw
    except (KeyError, ValueError) as error:
        raise problem(where, [*loc, "id"], "id must be a UUID") from error


def checked_pause(raw: Any, where: str, loc: Sequence[str | int]) -> CheckedPause:
    """A pause of a JSON export, checked as ``PUT /pauses/{id}`` would check its body."""
    original, fields = checked_object(raw, where, loc, "pause")
    try:
        body = PauseReplace.model_validate({name: fields[name] for name in PauseReplace.model_fields if name in fields})
    except ValidationError as error:
        raise row_problem(where, loc, error) from error
    return CheckedPause(original, body, where, tuple(loc))


class CheckedEntry(NamedTuple):
    """A row that passed every check that needs no write; ``day`` is the ``local_date`` it keeps, ``columns``
    what it stores if it is new (``app.entries.columns.stored_columns``, with ``day``) and ``prepared`` the
    driver's rows that store it then (``app.entries.columns.prepared_entry``)."""

    entry_id: uuid.UUID
    body: EntryReplace
    source: str | None
    day: date | None
    columns: dict[str, Any]
    where: str
    loc: tuple[str | int, ...]
    prepared: PreparedEntry

    def same_row(self, other: CheckedEntry) -> bool:
        """Whether ``other`` says exactly what this row says (a repeated row of a spreadsheet)."""
        return (self.entry_id, self.body, self.source, self.day) == (
            other.entry_id,
            other.body,
            other.source,
            other.day,
        )


def entry_place(index: int) -> tuple[str, tuple[str | int, ...]]:
    """How a problem names the entry at ``index`` of a JSON export."""
    return f"entries[{index}]", ("entries", index)


def document_entry(entry: Any, index: int) -> ImportedEntry:
    """The entry at ``index`` of a JSON export: an object with a UUID ``id``, the fields ``EntryReplace`` takes."""
    where, loc = entry_place(index)
    if not isinstance(entry, dict):
        raise problem(where, loc, "an entry must be an object")
    try:
        entry_id = uuid.UUID(str(entry["id"]))
    except (KeyError, ValueError) as error:
        raise problem(where, [*loc, "id"], "id must be a UUID") from error
    fields = {name: entry[name] for name in EntryReplace.model_fields if name in entry}
    return ImportedEntry(entry_id, fields, entry.get("source"), entry.get("local_date"))


def unique_entries(entries: Sequence[CheckedEntry]) -> list[CheckedEntry]:
    """Each id once: a row that repeats an earlier one is dropped (it would be skipped), one that contradicts it is
    a 422 ``duplicate_id`` (a file cannot say two things of one entry)."""
    first: dict[uuid.UUID, CheckedEntry] = {}
    for entry in entries:
        earlier = first.setdefault(entry.entry_id, entry)
        if earlier is not entry and not earlier.same_row(entry):
            message = f"id {entry.entry_id} is also {earlier.where}, with other values"
            raise problem(entry.where, [*entry.loc, "id"], message, "duplicate_id")
    return list(first.values())


def checked_day(
    given: Any, body: EntryReplace, home_timezone: str, where: str, loc: Sequence[str | int]
) -> date | None:
    """The file's ``local_date`` when it is the date of ``occurred_at`` in the entry's zone or the day before."""
    if given is None or given == "" or body.occurred_at is None:
        return None
    timezone = body.timezone or home_timezone
    try:
        day = date.fromisoformat(str(given))
    except ValueError as error:
        raise problem(where, [*loc, "local_date"], "local_date: not a date (YYYY-MM-DD)", "date_parsing") from error
    calendar_day = local_date(body.occurred_at, timezone, 0)
    if day not in (calendar_day, calendar_day - timedelta(days=1)):
        message = f"local_date: {day} is neither {calendar_day} (occurred_at in {timezone}) nor the day before"
        raise problem(where, [*loc, "local_date"], message, "local_date_mismatch")
    return day


def checked_source(source: Any, where: str, loc: Sequence[str | int]) -> str | None:
    """A ``source`` the file gives: text of at most 60 characters, without NUL (else the row is bad)."""
    if source is None or source == "":
        return None
    if not isinstance(source, str):
        raise problem(where, [*loc, "source"], "source: must be text", "string_type")
    if len(source) > SOURCE_MAX_LENGTH:
        message = f"source: at most {SOURCE_MAX_LENGTH} characters"
        raise problem(where, [*loc, "source"], message, "string_too_long")
    if "\x00" in source:
        raise problem(where, [*loc, "source"], "source: NUL (U+0000) is not allowed", "nul_character")
    return source


@dataclass
class CheckedImport:
    """A whole file, parsed and checked against the account as it was read: what ``write_import`` writes."""

    settings: UserUpdate | None
    settings_skipped: bool
    goals: list[CheckedGoal]
    pauses: list[CheckedPause]
    entries: list[CheckedEntry]
    repeats: int  # rows that repeat an earlier row of the file (reported as skipped)
    now: datetime  # when it was checked: the entries' created_at and updated_at


def on_day(columns: dict[str, Any], day: date | None) -> dict[str, Any]:
    """History never moves: the day the file gives (checked against the entry's time and zone), if any."""
    return columns if day is None else {**columns, "local_date": day}


def writable(public: BaseModel, replace: type[Replace]) -> Replace:
    """The part of a stored object's public values a client may write, as the body that writes it."""
    return replace.model_validate(public.model_dump(mode="json", include=set(replace.model_fields)))


def same_entry(current: EntryPublic, body: EntryReplace) -> bool:
    """Whether ``body`` would leave the stored entry as it is (what it leaves out keeps its stored value)."""
    stored = writable(current, EntryReplace)
    wanted = body.model_copy(
        update={
            "occurred_at": body.occurred_at or stored.occurred_at,
            "timezone": body.timezone or stored.timezone,
            "goal_ids": sorted(set(body.goal_ids), key=str),
        }
    )
    return bool(stored == wanted)
