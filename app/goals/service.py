"""Goals: creating, replacing, patching, deleting and listing a user's goals."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.api.bodies import merge_patch, require_match
from app.auth.models import User
from app.core.database import utcnow
from app.core.errors import Conflict, Gone, NotFound, PreconditionFailed
from app.entries.models import Entry, EntryGoal
from app.goals.models import Goal, GoalCreate, GoalPatch, GoalPublic, GoalReplace
from app.sync.sequence import next_seq


def to_public(goal: Goal) -> GoalPublic:
    return GoalPublic.model_validate(goal, from_attributes=True)


def _current_json(goal: Goal) -> dict[str, Any]:
    return to_public(goal).model_dump(mode="json")


def _locked_goal(session: Session, *, goal_id: uuid.UUID) -> Goal | None:
    return session.exec(select(Goal).where(Goal.id == goal_id).with_for_update()).first()


def _owned_goal(session: Session, *, user: User, goal_id: uuid.UUID, lock: bool) -> Goal:
    goal = _locked_goal(session, goal_id=goal_id) if lock else session.get(Goal, goal_id)
    if goal is None or goal.user_id != user.id:
        raise NotFound("No such goal.")
    return goal


def get_goal(session: Session, *, user: User, goal_id: uuid.UUID) -> GoalPublic:
    goal = _owned_goal(session, user=user, goal_id=goal_id, lock=False)
    if goal.deleted_at is not None:
        raise Gone("This goal was deleted.")
    return to_public(goal)


def list_goals(session: Session, *, user: User, status: Literal["active", "archived", "all"]) -> list[GoalPublic]:
    query = select(Goal).where(Goal.user_id == user.id, col(Goal.deleted_at).is_(None))
    if status != "all":
        query = query.where(Goal.status == status)
    return [to_public(goal) for goal in session.exec(query.order_by(col(Goal.created_at), col(Goal.id)))]


def _write(session: Session, *, goal: Goal, body: GoalReplace, user: User, is_new: bool) -> GoalPublic:
    for name, value in body.model_dump(include=set(GoalReplace.model_fields)).items():
        setattr(goal, name, value)
    if not is_new:
        goal.version += 1
        goal.updated_at = utcnow()
    goal.seq = next_seq(session, user_id=user.id)
    session.add(goal)
    session.flush()
    return to_public(goal)


def create_goal(session: Session, *, user: User, body: GoalCreate) -> GoalPublic:
    goal_id = body.id or uuid.uuid4()
    if session.get(Goal, goal_id) is not None:
        raise Conflict("A goal with this id already exists; use PUT to replace it.")
    now = utcnow()
    goal = Goal(id=goal_id, user_id=user.id, title=body.title, created_at=now, updated_at=now)
    return _write(session, goal=goal, body=body, user=user, is_new=True)


def replace_goal(
    session: Session,
    *,
    user: User,
    goal_id: uuid.UUID,
    body: GoalReplace,
    if_match: str | None = None,
    if_none_match: str | None = None,
) -> tuple[GoalPublic, bool]:
    """``PUT``: replace the goal, or create it under this id; returns it and whether it was created."""
    goal = _locked_goal(session, goal_id=goal_id)
    if goal is not None and goal.user_id != user.id:
        raise NotFound("No such goal.")
    if goal is not None and goal.deleted_at is not None:
        raise Gone("This goal was deleted.")
    if goal is None:
        if if_match is not None:
            raise PreconditionFailed("The goal does not exist, so If-Match cannot match.")
        return create_goal(session, user=user, body=GoalCreate(id=goal_id, **body.model_dump())), True
    if if_none_match is not None and if_none_match.strip() == "*":
        raise PreconditionFailed("The goal already exists.", extra={"current": _current_json(goal)})
    require_match(if_match, goal.version, lambda: _current_json(goal))
    return _write(session, goal=goal, body=body, user=user, is_new=False), False


def patch_goal(
    session: Session, *, user: User, goal_id: uuid.UUID, patch: GoalPatch, if_match: str | None = None
) -> GoalPublic:
    goal = _owned_goal(session, user=user, goal_id=goal_id, lock=True)
    if goal.deleted_at is not None:
        raise Gone("This goal was deleted.")
    require_match(if_match, goal.version, lambda: _current_json(goal))
    current = to_public(goal).model_dump(mode="json", include=set(GoalReplace.model_fields))
    body = GoalReplace.model_validate(merge_patch(current, patch.model_dump(mode="json", exclude_unset=True)))
    return _write(session, goal=goal, body=body, user=user, is_new=False)


def delete_goal(session: Session, *, user: User, goal_id: uuid.UUID, if_match: str | None = None) -> None:
    """Leave a tombstone and take the goal off its entries, which change too."""
    goal = _owned_goal(session, user=user, goal_id=goal_id, lock=True)
    if goal.deleted_at is not None:
        return
    require_match(if_match, goal.version, lambda: _current_json(goal))
    now = utcnow()
    linked = select(EntryGoal.entry_id).where(EntryGoal.goal_id == goal.id)
    for entry in session.exec(select(Entry).where(col(Entry.id).in_(linked)).order_by(col(Entry.id))):
        entry.version += 1
        entry.updated_at = now
        entry.seq = next_seq(session, user_id=user.id)
        session.add(entry)
    session.execute(delete(EntryGoal).where(col(EntryGoal.goal_id) == goal.id))
    goal.deleted_at = now
    goal.updated_at = now
    goal.version += 1
    goal.seq = next_seq(session, user_id=user.id)
    session.add(goal)
    session.flush()
