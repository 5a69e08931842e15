"""Every table of Synclog, imported in one place for Alembic and the tests of migrations."""

from app.api.keyed_writes import IdempotencyRecord
from app.auth.models import AccessToken, AuthSession, User
from app.core.sequence import ChangeCounter
from app.entries.marks import EntryMark
from app.entries.models import Entry, EntryGoal
from app.goals.models import Goal
from app.pauses.models import Pause

__all__ = [
    "AccessToken",
    "AuthSession",
    "ChangeCounter",
    "Entry",
    "EntryGoal",
    "EntryMark",
    "Goal",
    "IdempotencyRecord",
    "Pause",
    "User",
]
