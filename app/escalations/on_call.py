"""Each region's on-call rota: who answers a stop-the-line alert first, and the number a DSP phones
when their report cannot reach anyone yet. Callers commit."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.core.audit.operations import record_event
from app.core.roles import Role
from app.core.validation import InvalidInput, Problems
from app.escalations.models import OnCallShift
from app.extensions import db

LONGEST_SHIFT = timedelta(days=7)
PHONE = re.compile(r"^\+?[0-9][0-9 ()\-.]{5,30}$")
ROTA_AHEAD = timedelta(days=14)
"""How far ahead the report form carries the rota, so a phone offline still shows who is on call."""


class RotaInvalid(InvalidInput):
    """An on-call shift was refused; ``errors`` says why."""


@dataclass(frozen=True)
class ShiftInput:
    region_id: int | None
    user_id: int | None
    phone: str
    starts_at: datetime | None
    ends_at: datetime | None


def can_edit_rota(user, region_id: int) -> bool:
    """The region's supervisors keep its rota; the quality lead and administrators may too."""
    if user.roles & {Role.QUALITY_LEAD, Role.ADMIN}:
        return True
    return Role.SUPERVISOR in user.roles and region_id in user.region_ids


def keeps_a_rota(user) -> bool:
    """Whether ``user``'s role keeps some region's rota (:func:`can_edit_rota`): menus offer the
    rota page to them."""
    return bool(user.roles & {Role.SUPERVISOR, Role.QUALITY_LEAD, Role.ADMIN})


def on_call_at(region_id: int, at: datetime) -> OnCallShift | None:
    """The shift covering ``at`` in the region (the one that started last, if two overlap)."""
    return db.session.scalar(
        select(OnCallShift)
        .where(OnCallShift.region_id == region_id, OnCallShift.starts_at <= at, OnCallShift.ends_at > at)
        .order_by(OnCallShift.starts_at.desc(), OnCallShift.id.desc())
        .limit(1)
    )


def shifts_between(region_ids, since: datetime, until: datetime) -> list[OnCallShift]:
    """The shifts of ``region_ids`` that overlap [since, until), in time order."""
    if not region_ids:
        return []
    return list(
        db.session.scalars(
            select(OnCallShift)
            .where(
                OnCallShift.region_id.in_(tuple(region_ids)),
                OnCallShift.ends_at > since,
                OnCallShift.starts_at < until,
            )
            .order_by(OnCallShift.starts_at, OnCallShift.id)
        )
    )


def rota_for_form(region_ids, now: datetime) -> list[dict]:
    """The rota of the person's regions from now to ``ROTA_AHEAD``, as the form carries it (names,
    numbers and times only): the page picks the shift covering the moment it needs one, offline too."""
    return [
        {
            "region_id": shift.region_id,
            "name": shift.user.name,
            "phone": shift.phone,
            "starts_at": shift.starts_at.isoformat(),
            "ends_at": shift.ends_at.isoformat(),
        }
        for shift in shifts_between(region_ids, now, now + ROTA_AHEAD)
    ]


def add_shift(actor, data: ShiftInput) -> OnCallShift:
    """Add a shift to a region's rota: a supervisor of that region, a reachable number, from < to,
    at most ``LONGEST_SHIFT`` long."""
    errors = Problems()
    person = db.session.get(User, data.user_id) if data.user_id is not None else None
    errors.need("region_id", data.region_id is not None, _("Choose the region."))
    if data.region_id is not None:
        errors.need(
            "region_id",
            can_edit_rota(actor, data.region_id),
            _("You keep the on-call schedule of your own regions only."),
        )
        errors.need(
            "user_id",
            person is not None
            and person.active
            and Role.SUPERVISOR in person.roles
            and data.region_id in person.region_ids,
            _("Choose a supervisor of that region."),
        )
    phone = data.phone.strip()
    errors.need("phone", bool(PHONE.match(phone)), _("Give a phone number (digits, spaces, + and brackets)."))
    errors.need("starts_at", data.starts_at is not None, _("Give when the shift starts."))
    errors.need("ends_at", data.ends_at is not None, _("Give when the shift ends."))
    if data.starts_at is not None and data.ends_at is not None:
        errors.need("ends_at", data.ends_at > data.starts_at, _("The shift ends after it starts."))
        errors.need(
            "ends_at", data.ends_at - data.starts_at <= LONGEST_SHIFT, _("Keep one shift to a week or less.")
        )
    if errors:
        raise RotaInvalid(errors)
    shift = OnCallShift(
        region_id=data.region_id,
        user_id=person.id,
        phone=phone,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        created_by_id=actor.id,
    )
    db.session.add(shift)
    db.session.flush()
    record_event(
        "on_call.add",
        actor=actor,
        object_type="region",
        object_id=data.region_id,
        region_id=data.region_id,
        after={
            "shift_id": shift.id,
            "user_id": person.id,
            "from": shift.starts_at.isoformat(),
            "to": shift.ends_at.isoformat(),
        },
    )
    return shift


def remove_shift(actor, shift: OnCallShift) -> None:
    if not can_edit_rota(actor, shift.region_id):
        raise RotaInvalid({"shift": [_("You keep the on-call schedule of your own regions only.")]})
    record_event(
        "on_call.remove",
        actor=actor,
        object_type="region",
        object_id=shift.region_id,
        region_id=shift.region_id,
        before={"shift_id": shift.id, "user_id": shift.user_id},
    )
    db.session.delete(shift)
    db.session.flush()
