"""Rendering an export as JSON, CSV or Markdown, and reading a CSV back: pure, chunk by chunk.

The Markdown journal escapes every user text, so a renderer shows it as typed: no raw HTML,
no link, no emphasis or heading that the user did not write as text.

CSV columns, one row per live entry: ``id``, ``occurred_at``, ``timezone``, ``local_date``,
``kind``, ``intensity``, ``inner``, ``note``, ``meaning``, ``tags``, ``people``, ``goals`` (titles),
``goal_ids``, ``place``, ``lat``, ``lon``, ``source``, ``version``, ``created_at``, ``updated_at``.

So that the CSV round-trips exactly: a list cell joins its items with ``"; "``, escaping
``\\``, ``;`` and spaces at an item's edges with ``\\`` (``rock\\; roll; \\ x``); a cell that
starts with ``'`` or with a character a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@``, tab, carriage return) gets a leading ``'``, which reading removes again;
``place`` is an empty cell when absent and a lone ``'`` when it is the empty string.
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
from app.pauses.models import PausePublic

CSV_COLUMNS = (
    "id",
    "occurred_at",
    "timezone",
    "local_date",
    "kind",
    "intensity",
    "inner",
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
# Cells a spreadsheet would evaluate, and the quote that both neutralises them and is itself escaped.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_QUOTE = "'"
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8", "markdown": "text/markdown; charset=utf-8"}
EXTENSIONS = {"json": "json", "csv": "csv", "markdown": "md"}

EntryPages = Iterable[Sequence[EntryPublic]]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def render_json(
    *,
    user: ExportUser,
    goals: Sequence[GoalPublic],
    pauses: Sequence[PausePublic],
    pages: EntryPages,
    exported_at: datetime,
) -> Iterator[str]:
    """The JSON export, one entry a line, without holding every entry in memory."""
    head = {
        "format": EXPORT_FORMAT_NAME,
        "version": EXPORT_VERSION,
        "exported_at": exported_at.isoformat().replace("+00:00", "Z"),
        "user": user.model_dump(mode="json"),
        "goals": [goal.model_dump(mode="json") for goal in goals],
        "pauses": [pause.model_dump(mode="json") for pause in pauses],
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


def text_cell(value: str | None, *, nullable: bool = False) -> str:
    """A text value as a safe cell: ``None`` is empty, and so is ``""`` unless ``nullable`` (then ``'``)."""
    if value is None or (value == "" and not nullable):
        return ""
    if value == "" or value.startswith((*FORMULA_STARTS, TEXT_QUOTE)):
        return TEXT_QUOTE + value
    return value


def read_text_cell(cell: str | None) -> str | None:
    """The value ``text_cell`` wrote: ``None`` for an empty cell, one leading ``'`` removed."""
    if not cell:
        return None
    return cell[1:] if cell.startswith(TEXT_QUOTE) else cell


def _escaped_item(item: str) -> str:
    text = item.replace("\\", "\\\\").replace(";", "\\;")
    if item[:1].isspace():
        text = "\\" + text
    if len(item) > 1 and item[-1].isspace():
        text = text[:-1] + "\\" + text[-1]
    return text


def list_cell(items: Sequence[str]) -> str:
    """A list as one cell: items joined with ``"; "``; ``\\``, ``;`` and edge spaces escaped with ``\\``."""
    return text_cell(LIST_SEPARATOR.join(_escaped_item(item) for item in items)) if items else ""


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
                    text_cell(entry.inner),
                    text_cell(entry.note),
                    text_cell(entry.meaning),
                    list_cell(entry.tags),
                    list_cell(entry.people),
                    list_cell([titles.get(goal_id, str(goal_id)) for goal_id in entry.goal_ids]),
                    list_cell([str(goal_id) for goal_id in entry.goal_ids]),
                    text_cell(entry.place, nullable=True),
                    _number(entry.lat),
                    _number(entry.lon),
                    text_cell(entry.source),
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
    if entry.inner:
        lines += [f"*On my mind:* {_text_block(entry.inner)}", ""]
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
    """A list cell back into its items (``list_cell`` reversed; unescaped edge spaces and blank items dropped)."""
    items: list[list[tuple[str, bool]]] = [[]]
    characters = iter(read_text_cell(cell) or "")
    for character in characters:
        if character == "\\":
            items[-1].append((next(characters, "\\"), True))
        elif character == ";":
            items.append([])
        else:
            items[-1].append((character, False))
    result = []
    for item in items:
        while item and item[0][0].isspace() and not item[0][1]:
            item.pop(0)
        while item and item[-1][0].isspace() and not item[-1][1]:
            item.pop()
        if item:
            result.append("".join(character for character, _ in item))
    return result


def read_csv(text: str) -> tuple[list[str], Iterator[dict[str, str]]]:
    """The header and the rows of a CSV export (or a spreadsheet with some of its columns)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    return list(reader.fieldnames or []), (dict(row) for row in reader)
