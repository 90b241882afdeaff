"""Reads of the action register, always through the action's own permission rule."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.actions.measure import MeasureFilter
from app.actions.models import Action
from app.core.roles import REGION_REVIEW_ROLES, Role
from app.extensions import db


def action_region_ids(action: Action) -> set[int]:
    """The regions an action concerns: its measure's and its linked reports' (empty: all)."""
    return set(MeasureFilter.from_json(action.measure).region_ids) | {r.region_id for r in action.reports}


def can_view_action(user, action: Action) -> bool:
    if user.is_organisation_wide or user.id in (action.owner_id, action.created_by_id):
        return True
    if not user.roles & REGION_REVIEW_ROLES:
        return False
    regions = action_region_ids(action)
    return not regions or bool(regions & user.region_ids)


def can_change_action(user, action: Action | None = None) -> bool:
    """Only the quality lead creates actions; the quality lead and the owner change them."""
    if Role.QUALITY_LEAD in user.roles:
        return True
    return action is not None and action.owner_id == user.id


def is_overdue(action: Action, today: date) -> bool:
    return action.status == "open" and action.due_date < today


@dataclass(frozen=True)
class ActionFilters:
    owner_id: int | None = None
    status: str = ""
    overdue: bool = False


def actions_for(user, filters: ActionFilters, today: date) -> list[Action]:
    statement = (
        select(Action)
        .options(selectinload(Action.owner), selectinload(Action.reports), selectinload(Action.verifications))
        .order_by(Action.due_date, Action.id)
    )
    if filters.owner_id:
        statement = statement.where(Action.owner_id == filters.owner_id)
    if filters.status:
        statement = statement.where(Action.status == filters.status)
    if filters.overdue:
        statement = statement.where(Action.status == "open", Action.due_date < today)
    return [a for a in db.session.scalars(statement) if can_view_action(user, a)]
