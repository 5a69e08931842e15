"""Rendering an export as JSON, CSV or Markdown, and reading a CSV back: pure, chunk by chunk.

The Markdown journal escapes every user text, so a renderer shows it as typed: no raw HTML,
no link, no emphasis or heading that the user did not write as text.

CSV columns, one row per live entry (lists joined with ``"; "``): ``id``, ``occurred_at``,
``timezone``, ``local_date``, ``kind``, ``intensity``, ``note``, ``meaning``, ``tags``,
``people``, ``goals`` (titles), ``goal_ids``, ``place``, ``lat``, ``lon``, ``source``,
``version``, ``created_at``, ``updated_at``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from app.core.timezones import zone
from app.entries.kinds import kind_label
from app.entries.models import EntryPublic
from app.exchange.models import EXPORT_FORMAT_NAME, EXPORT_VERSION, ExportUser
from app.goals.models import GoalPublic

CSV_COLUMNS = (
    "id",
    "occurred_at",
    "timezone",
    "local_date",
    "kind",
    "intensity",
    "note",
    "meaning",
    "tags",
    "people",
    "goals",
    "goal_ids",
    "place",
    "lat",
    "lon",
    "source",
    "version",
    "created_at",
    "updated_at",
)
LIST_SEPARATOR = "; "
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8", "markdown": "text/markdown; charset=utf-8"}
EXTENSIONS = {"json": "json", "csv": "csv", "markdown": "md"}

EntryPages = Iterable[Sequence[EntryPublic]]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def render_json(
    *, user: ExportUser, goals: Sequence[GoalPublic], pages: EntryPages, exported_at: datetime
) -> Iterator[str]:
    """The JSON export, one entry a line, without holding every entry in memory."""
    head = {
        "format": EXPORT_FORMAT_NAME,
        "version": EXPORT_VERSION,
        "exported_at": exported_at.isoformat().replace("+00:00", "Z"),
        "user": user.model_dump(mode="json"),
        "goals": [goal.model_dump(mode="json") for goal in goals],
    }
    yield _json(head)[:-1] + ',"entries":['
    first = True
    for page in pages:
        for entry in page:
            yield ("\n" if first else ",\n") + _json(entry.model_dump(mode="json"))
            first = False
    yield "\n]}\n"


def _csv_line(values: Sequence[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else repr(value)


def render_csv(*, goals: Sequence[GoalPublic], pages: EntryPages) -> Iterator[str]:
    titles = {goal.id: goal.title for goal in goals}
    yield _csv_line(CSV_COLUMNS)
    for page in pages:
        for entry in page:
            row = entry.model_dump(mode="json")
            yield _csv_line(
                [
                    row["id"],
                    row["occurred_at"],
                    row["timezone"],
                    row["local_date"],
                    row["kind"],
                    row["intensity"],
                    row["note"],
                    row["meaning"],
                    LIST_SEPARATOR.join(entry.tags),
                    LIST_SEPARATOR.join(entry.people),
                    LIST_SEPARATOR.join(titles.get(goal_id, str(goal_id)) for goal_id in entry.goal_ids),
                    LIST_SEPARATOR.join(str(goal_id) for goal_id in entry.goal_ids),
                    entry.place or "",
                    _number(entry.lat),
                    _number(entry.lon),
                    entry.source,
                    entry.version,
                    row["created_at"],
                    row["updated_at"],
                ]
            )


def _day_heading(day: date) -> str:
    return f"## {day.strftime('%A')}, {day.isoformat()}"


# Characters that make Markdown or HTML anywhere in a line: tags and autolinks (<), entities (&), links and
# images ([ ]), code (`), emphasis (* _ ~), tables (|), headings and their closing (#), the escape itself.
_INLINE_SIGNIFICANT = re.compile(r"([\\`*_~\[\]<>&|#])")
# What makes a block at the start of a line: a list item or a rule (- +), a setext underline (= -).
_LINE_START_SIGNIFICANT = re.compile(r"^([+=-])")
_ORDERED_LIST_ITEM = re.compile(r"^(\d{1,9})([.)])")


def _escaped(text: str) -> str:
    """One line of user text, escaped so that any Markdown renderer shows it as typed (never as HTML or a link).

    Leading blanks go: a renderer drops them in a paragraph anyway, and four would start a code block.
    """
    line = _INLINE_SIGNIFICANT.sub(r"\\\1", text.lstrip())
    line = _LINE_START_SIGNIFICANT.sub(r"\\\1", line)
    return _ORDERED_LIST_ITEM.sub(r"\1\\\2", line)


def _inline(text: str) -> str:
    """User text inside one line of ours (a heading, a list item): escaped, its line breaks made spaces."""
    return _escaped(" ".join(text.splitlines()))


def _text_block(text: str) -> str:
    """Free text as a paragraph, each of its lines escaped."""
    return "\n".join(_escaped(line) for line in text.splitlines())


def _entry_markdown(entry: EntryPublic, titles: Mapping[Any, str], home_timezone: str) -> str:
    wall_clock = entry.occurred_at.astimezone(zone(entry.timezone))
    when = wall_clock.strftime("%H:%M")
    if entry.timezone != home_timezone:
        when += f" ({entry.timezone})"
    lines = [f"### {when} · {kind_label(entry.kind)} · intensity {entry.intensity}/5", ""]
    if entry.note:
        lines += [_text_block(entry.note), ""]
    if entry.meaning:
        lines += [f"*Meaning:* {_text_block(entry.meaning)}", ""]
    details = [
        ("Goals", ", ".join(_inline(titles.get(goal_id, str(goal_id))) for goal_id in entry.goal_ids)),
        ("Tags", ", ".join(_inline(tag) for tag in entry.tags)),
        ("People", ", ".join(_inline(person) for person in entry.people)),
        ("Place", _inline(entry.place or "")),
    ]
    shown = [f"- {label}: {value}" for label, value in details if value]
    if shown:
        lines += [*shown, ""]
    return "\n".join(lines) + "\n"


def render_markdown(
    *, user: ExportUser, goals: Sequence[GoalPublic], pages: EntryPages, exported_at: datetime
) -> Iterator[str]:
    """A readable journal: goals first, then entries grouped by local day, oldest first."""
    titles = {goal.id: goal.title for goal in goals}
    owner = f" of {_inline(user.display_name)}" if user.display_name else ""
    yield f"# Synclog journal{owner}\n\n"
    yield f"Exported {exported_at.astimezone(zone(user.timezone)).strftime('%Y-%m-%d %H:%M')} ({user.timezone}).\n\n"
    if goals:
        yield "## Goals\n\n"
        for goal in goals:
            rhythm = f"{goal.target} a {'day' if goal.cadence == 'daily' else 'week'}"
            archived = ", archived" if goal.status == "archived" else ""
            description = f" — {_inline(goal.description)}" if goal.description else ""
            yield f"- **{_inline(goal.title)}** ({rhythm}{archived}){description}\n"
        yield "\n"
    current_day: date | None = None
    for page in pages:
        for entry in page:
            if entry.local_date != current_day:
                current_day = entry.local_date
                yield _day_heading(current_day) + "\n\n"
            yield _entry_markdown(entry, titles, user.timezone)


def split_list(cell: str | None) -> list[str]:
    """A joined CSV cell back into its items (``;`` separates, blanks are dropped)."""
    return [item.strip() for item in (cell or "").split(";") if item.strip()]


def read_csv(text: str) -> tuple[list[str], Iterator[dict[str, str]]]:
    """The header and the rows of a CSV export (or a spreadsheet with some of its columns)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    return list(reader.fieldnames or []), (dict(row) for row in reader)
