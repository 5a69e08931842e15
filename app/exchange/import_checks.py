"""What an import checks before it writes anything: each row's fields, ``source`` and ``local_date``.

A failed check names the row (``entries[3]``, ``row 5``, ``user``) in a 422 ``validation_error``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

from pydantic import ValidationError

from app.core.errors import ProblemError, ValidationProblem
from app.core.timezones import local_date
from app.entries.models import EntryReplace
from app.goals.models import GoalReplace
from app.pauses.models import PauseReplace

SOURCE_MAX_LENGTH = 60


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
    """A row that passed every check that needs no write; ``day`` is the ``local_date`` it keeps."""

    entry_id: uuid.UUID
    body: EntryReplace
    source: str | None
    day: date | None
    where: str
    loc: tuple[str | int, ...]


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
