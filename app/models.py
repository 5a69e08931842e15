"""Every table of Synclog, imported in one place for Alembic and the tests of migrations."""

from app.auth.models import AccessToken, AuthSession, User
from app.entries.models import Entry, EntryGoal
from app.goals.models import Goal
from app.sync.models import ChangeCounter, IdempotencyRecord

__all__ = ["AccessToken", "AuthSession", "ChangeCounter", "Entry", "EntryGoal", "Goal", "IdempotencyRecord", "User"]
