"""``synclog demo``: a realistic year of synchronicities over several goals, for trying Synclog and benchmarks.

The plan is deterministic for a seed and its ids derive from the account's id, so running
the command again adds nothing. Everything is written through the goal and entry services.
"""

from __future__ import annotations

import random
import secrets
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import click
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.models import Account, Register
from app.cli.progress import Progress
from app.core.database import Database, open_database, utcnow
from app.core.errors import Unauthorized
from app.core.migrations import upgrade_to_head
from app.core.sequence import lock_sequence
from app.core.settings import load_settings
from app.core.timezones import zone
from app.entries import service as entries_service
from app.entries.models import Entry, EntryCreate
from app.goals import service as goals_service
from app.goals.models import Goal, GoalCreate

DEMO_SOURCE = "demo"
BATCH = 100

GOALS = (
    ("Live near the sea", "Find a home within walking distance of the water.", "#1f8a9e", "weekly", 2, "active"),
    ("Make music with others", "Play in a band again.", "#b5527a", "weekly", 1, "active"),
    ("Write every day", "A page a day, however small.", "#6a5acd", "daily", 1, "active"),
    ("Find my people", "Friends who share what I care about.", "#d08c2f", "weekly", 1, "active"),
    ("Learn Portuguese", "", "#5b8c3a", "weekly", 1, "archived"),
)
PEOPLE = ("Ann", "Ben", "Chiara", "Dev", "Emeka", "Fatima", "Grandma", "Hiro", "Inês", "Jonas")
PLACES = ("the harbour", "the bakery", "the tram", "the library", "the market", "the park", "work", "home")
NOTES = {
    "thought_then_met": ("Thought of {person} this morning, then ran into them at {place}.",),
    "shared_date": ("Met someone at {place} who shares my birthday.", "{person} and I started new jobs the same day."),
    "shared_interest": ("A stranger at {place} plays the same old synth I do.", "{person} also collects sea glass."),
    "number": ("11:11 on the clock again.", "Saw 333 three times today.", "Seat 27, room 27, bus 27."),
    "name_or_word": ("Heard 'Lisbon' twice within an hour.", "The word 'harbour' kept turning up."),
    "dream": ("Dreamt of {person}; they called in the afternoon.", "Dreamt of the sea; a flat by the water came up."),
    "overheard": ("Overheard someone at {place} talking about the exact song in my head.",),
    "symbol": ("A heron by the river, the third this week.", "Found a feather on my doorstep."),
    "timing": ("Missed the tram and met {person} on the next one.", "The flat viewing moved to the one free hour."),
    "other": ("", "Something clicked at {place}.", "A small nudge in the right direction."),
}
KIND_WEIGHTS = (5, 2, 4, 4, 3, 3, 3, 3, 4, 6)
TAGS = ("sea", "music", "friends", "writing", "home", "work", "family", "travel", "nature", "numbers")
TRIPS = (("America/New_York", 60, 74), ("Asia/Tokyo", 180, 187), ("Europe/Rome", 250, 255))
MEANINGS = (
    "",
    "",
    "",
    "Keep going.",
    "Say yes to the invitation.",
    "Call them back.",
    "This matters more than I admit.",
)


@dataclass(frozen=True)
class DemoPlan:
    goals: list[GoalCreate]
    entries: list[EntryCreate]


def plan_demo(*, user_id: uuid.UUID, home_timezone: str, today: date, seed: int = 7) -> DemoPlan:
    """A year of goals and entries ending yesterday; pure, so the same seed gives the same year."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    goals = [
        GoalCreate(
            id=uuid.uuid5(user_id, f"demo-goal-{index}"),
            title=title,
            description=description,
            color=color,
            cadence=cadence,
            target=target,
            status=status,
        )
        for index, (title, description, color, cadence, target, status) in enumerate(GOALS)
    ]
    kinds = list(NOTES)
    entries: list[EntryCreate] = []
    first = today - timedelta(days=365)
    for offset in range(365):
        day = first + timedelta(days=offset)
        timezone = next((name for name, start, end in TRIPS if start <= offset < end), home_timezone)
        # Momentum builds over the year: quiet weeks early on, busier ones later.
        count = rng.choices((0, 1, 2, 3), weights=(6 - 4 * offset // 365, 4, 2, 1))[0]
        for _ in range(count):
            kind = rng.choices(kinds, weights=KIND_WEIGHTS)[0]
            wall_clock = time(rng.choice((7, 8, 9, 12, 13, 17, 18, 19, 21, 22, 23)), rng.randrange(60))
            occurred_at = datetime.combine(day, wall_clock, zone(timezone)).astimezone(UTC)
            note = rng.choice(NOTES[kind]).format(person=rng.choice(PEOPLE), place=rng.choice(PLACES))
            linked = rng.sample(goals[:4] if offset > 120 else goals, k=rng.choices((0, 1, 2), weights=(3, 6, 1))[0])
            entries.append(
                EntryCreate(
                    id=uuid.uuid5(user_id, f"demo-entry-{len(entries)}"),
                    occurred_at=occurred_at,
                    timezone=timezone,
                    kind=kind,
                    note=note,
                    meaning=rng.choice(MEANINGS),
                    intensity=rng.choices((1, 2, 3, 4, 5), weights=(1, 3, 5, 3, 1))[0],
                    tags=sorted(set(rng.sample(TAGS, k=rng.choice((0, 1, 1, 2, 3))))),
                    people=[person for person in PEOPLE if person in note],
                    goal_ids=[goal.id for goal in linked if goal.id is not None],
                    place=next((place for place in PLACES if place in note), None),
                )
            )
    return DemoPlan(goals=goals, entries=entries)


def write_demo(
    database: Database, *, user_id: uuid.UUID, plan: DemoPlan, progress: Callable[[int], None] | None = None
) -> tuple[int, int]:
    """Write the plan in batches of transactions; returns (goals, entries) created, skipping those already there."""
    created_goals = created_entries = 0
    with database.write_transaction() as session:
        lock_sequence(session, user_id=user_id)
        user = _account(session, user_id)
        for goal in plan.goals:
            if goal.id is not None and session.get(Goal, goal.id) is None:
                goals_service.create_goal(session, user_id=user.id, body=goal)
                created_goals += 1
    for batch in _batches(plan.entries, BATCH):
        with database.write_transaction() as session:
            lock_sequence(session, user_id=user_id)
            user = _account(session, user_id)
            for entry in batch:
                if entry.id is not None and session.get(Entry, entry.id) is None:
                    entries_service.create_entry(session, user=user, source=DEMO_SOURCE, body=entry)
                    created_entries += 1
        if progress is not None:
            progress(len(batch))
    return created_goals, created_entries


def _batches(entries: Sequence[EntryCreate], size: int) -> Iterator[Sequence[EntryCreate]]:
    for start in range(0, len(entries), size):
        yield entries[start : start + size]


def _account(session: Session, user_id: uuid.UUID) -> Account:
    try:
        return auth_service.get_account(session, user_id=user_id)
    except Unauthorized as error:
        raise LookupError("The account disappeared while the demo was being written.") from error


@click.command()
@click.option("--email", required=True, help="The account to fill; created when missing.")
@click.option("--password-stdin", is_flag=True, help="Password for a new account from standard input.")
@click.option("--timezone", default="Europe/Lisbon", show_default=True, help="Home time zone of a new account.")
@click.option("--seed", default=7, show_default=True, help="The same seed gives the same year.")
def demo(email: str, password_stdin: bool, timezone: str, seed: int) -> None:
    """Fill an account with a realistic year of synchronicities over several goals (running it again adds nothing)."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(12)
    # The account a missing one would be, checked before anything is made (a bad email or zone stops here).
    new_account = Register(email=email, password=password, display_name="Demo", timezone=timezone)
    settings = load_settings()
    upgrade_to_head(settings.database_url)
    database = open_database(settings)
    try:
        with database.write_transaction() as session:
            account = auth_service.find_user_by_email(session, email=email)
            if account is None:
                account = auth_service.register(session, body=new_account)
                click.echo(
                    f"Created account {account.email}" + ("." if password_stdin else f" with password {password}")
                )
            user_id, home = account.id, account.timezone
        plan = plan_demo(user_id=user_id, home_timezone=home, today=utcnow().date(), seed=seed)
        progress = Progress("Writing a year", len(plan.entries))
        try:
            goals, entries = write_demo(database, user_id=user_id, plan=plan, progress=progress.advance)
        finally:
            progress.close()
    finally:
        database.dispose()
    click.echo(f"Demo data: {goals} goals and {entries} entries added for {email}.")
