"""What a CSV import reads: a CSV export, or a spreadsheet with some of its columns, as checked entry rows."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlmodel import Session

from app.auth.models import Account
from app.exchange import formats
from app.exchange.import_checks import CheckedEntry, ImportedEntry, problem
from app.goals import service as goals_service


class RowChecker(Protocol):
    """What reading a CSV needs of an import: the account, its goals as the file names them, the check of a row."""

    session: Session
    user: Account

    def goal_id(self, original: uuid.UUID) -> uuid.UUID: ...

    def is_deleted_goal(self, goal_id: uuid.UUID) -> bool: ...

    def check_entry(self, row: ImportedEntry, where: str, loc: Sequence[str | int]) -> CheckedEntry: ...


_CSV_WRITABLE = ("occurred_at", "timezone", "kind", "intensity", "lat", "lon")
_CSV_TEXT = ("inner", "note", "meaning", "place")


def csv_entries(importer: RowChecker, raw: bytes) -> list[CheckedEntry]:
    """Parse and check a CSV export (or a spreadsheet with some of its columns; ``occurred_at`` is required):
    its rows as checked entries, or a 422 naming the first bad one.

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
    user = importer.user
    checked: list[CheckedEntry] = []
    titles = {
        goal.title.casefold(): goal.id
        for goal in goals_service.list_goals(importer.session, user_id=user.id, status="all")
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
    return checked


def _csv_goal_ids(
    importer: RowChecker, row: Mapping[str, str], titles: Mapping[str, uuid.UUID], where: str, loc: Sequence[str | int]
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
