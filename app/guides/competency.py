"""Competency checks: a trainer watches one person do one thing the cue guides teach and records the
result (issue 20 point 3). The skills are a fixed list here, each a behaviour a trainer can observe."""

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.models import User, UserRole
from app.core.audit.models import AuditEvent
from app.core.audit.operations import record_event
from app.core.validation import InvalidInput, Problems
from app.extensions import db
from app.guides.defaults import ROLE_TO_GUIDE
from app.guides.models import CompetencyCheck

SKILLS = {
    "recognises_deterioration": _l("Recognizes early deterioration and stops the line"),
    "reports_in_a_minute": _l("Reports a near miss in under a minute, offline too"),
    "medication_discrepancy": _l("Catches a medication discrepancy before it is given"),
    "safeguarding_signals": _l("Recognizes safeguarding and rights signals and passes them on at once"),
    "handover_gaps": _l("Checks the handover for skin changes and plan changes"),
}
COMPETENT = "competent"
NOT_YET = "not_yet"
RESULTS = {COMPETENT: _l("Competent"), NOT_YET: _l("Not yet competent")}
NOTE_LIMIT = 500
STAFF_ROLES = tuple(ROLE_TO_GUIDE)
"""The roles that have a cue guide to read and skills to be checked on."""
STAFF_ROLE_NAMES = {
    "dsp": _l("Direct support professionals"),
    "supervisor": _l("Supervisors"),
    "nurse": _l("Nurses"),
    "scheduler": _l("Schedulers"),
    "operations_lead": _l("Operations leads"),
}


class CheckInvalid(InvalidInput):
    """A competency check was refused; ``errors`` says why, per field."""


ACTIVITY_EVENTS = ("user.deactivate", "user.reactivate")


def staff_query():
    """Active people in a role that has a cue guide (DSPs, supervisors, nurses, schedulers...)."""
    return (
        select(User)
        .where(User.active, User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(STAFF_ROLES))))
        .order_by(User.name)
    )


def staff_member(user_id: int) -> User | None:
    """One active member of staff who can be checked; None for anyone else."""
    return db.session.scalar(staff_query().where(User.id == user_id))


def staff_in(region_ids: frozenset[int] | None) -> list[User]:
    """Staff who belong to one of ``region_ids`` (None: everyone)."""
    people = db.session.scalars(staff_query()).all()
    if region_ids is None:
        return list(people)
    return [person for person in people if person.region_ids & region_ids]


def staff_at(region_ids: frozenset[int] | None, moment: datetime) -> list[User]:
    """Staff as they were at ``moment`` (a pack of a past period): accounts made by then and active
    then, by the audit trail's ``user.deactivate`` / ``user.reactivate``, so a leaver still counts for
    the months they worked and a later hire does not. Roles and regions are as they are now: their
    changes are not kept by date."""
    people = db.session.scalars(
        select(User)
        .where(
            User.created_at <= moment,
            User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(STAFF_ROLES))),
        )
        .order_by(User.name)
    ).all()
    switches: dict[str, list[tuple[datetime, str]]] = {}
    for object_id, occurred_at, action in db.session.execute(
        select(AuditEvent.object_id, AuditEvent.occurred_at, AuditEvent.action)
        .where(AuditEvent.object_type == "user", AuditEvent.action.in_(ACTIVITY_EVENTS))
        .order_by(AuditEvent.seq)
    ):
        switches.setdefault(object_id, []).append((occurred_at, action))

    def active_then(person: User) -> bool:
        history = switches.get(str(person.id))
        if not history:
            return person.active  # never switched: as the account is
        before = [action for occurred_at, action in history if occurred_at <= moment]
        if before:
            return before[-1] == "user.reactivate"
        return history[0][1] == "user.deactivate"  # first switched after: it was active until then

    found = [person for person in people if active_then(person)]
    if region_ids is None:
        return found
    return [person for person in found if person.region_ids & region_ids]


def checks_of(person: User) -> list[CompetencyCheck]:
    """A person's competency checks, newest first."""
    return list(
        db.session.scalars(
            select(CompetencyCheck)
            .where(CompetencyCheck.user_id == person.id)
            .order_by(CompetencyCheck.checked_on.desc(), CompetencyCheck.id.desc())
        )
    )


def latest_checks(user_ids) -> dict[int, CompetencyCheck]:
    """Each person's most recent check (by date), for a list of staff."""
    ids = list(user_ids)
    latest: dict[int, CompetencyCheck] = {}
    if not ids:
        return latest
    rows = db.session.scalars(
        select(CompetencyCheck)
        .where(CompetencyCheck.user_id.in_(ids))
        .order_by(CompetencyCheck.checked_on, CompetencyCheck.id)
    )
    for check in rows:
        latest[check.user_id] = check
    return latest


def record_check(
    person: User,
    *,
    skill: str,
    checked_on: date | None,
    result: str,
    note: str,
    assessor,
    today: date,
    now: datetime,
) -> CompetencyCheck:
    """Record a check of ``person`` by ``assessor`` (the signed-in trainer). A check is dated no later
    than ``today`` (the organisation's day), and never by the person checked. Audited, without the note
    (it may name a client)."""
    errors = Problems()
    errors.need(
        "person",
        person.id != assessor.id,
        _("You cannot record a check of yourself: another trainer checks your own competency."),
    )
    errors.need("skill", skill in SKILLS, _("Choose a skill from the list."))
    errors.need("result", result in RESULTS, _("Choose a result."))
    errors.need("checked_on", checked_on is not None, _("Give the date of the check."))
    if checked_on is not None:
        errors.need("checked_on", checked_on <= today, _("The date cannot be in the future."))
    errors.need(
        "note", len(note) <= NOTE_LIMIT, _("Keep the note under %(limit)s characters.", limit=NOTE_LIMIT)
    )
    if errors:
        raise CheckInvalid(dict(errors))
    check = CompetencyCheck(
        user_id=person.id,
        skill=skill,
        checked_on=checked_on,
        result=result,
        note=note.strip(),
        assessor_id=assessor.id,
        recorded_at=now,
    )
    db.session.add(check)
    db.session.flush()
    record_event(
        "competency.check",
        actor=assessor,
        object_type="competency_check",
        object_id=check.id,
        after={"user_id": person.id, "skill": skill, "result": result, "checked_on": checked_on.isoformat()},
    )
    return check
