"""Stop-the-line alerts, safeguarding routing and external duties. Callers commit."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.auth.models import User
from app.auth.queries import users_with_role
from app.core.audit.operations import record_event
from app.core.clock import org_tz
from app.core.concurrency import (
    UNCHECKED,
    ConflictView,
    check_version,
    conflict_view,
)
from app.core.jurisdiction import jurisdiction
from app.core.models import now_utc
from app.core.permissions import sees_report_through_role
from app.core.roles import Role
from app.core.settings import get_setting
from app.core.validation import InvalidInput
from app.escalations.clocks import Target, due_at, escalation_level
from app.escalations.deadlines import DEADLINE_KINDS, duty_link
from app.escalations.models import ExternalBody, ExternalDuty, SafeguardingCase, StopTheLineAlert
from app.escalations.nurse_reviews import request_nurse_review
from app.escalations.on_call import on_call_at
from app.escalations.vocabulary import (
    SAFEGUARDING_DECISIONS,
    SAFEGUARDING_TRIGGERS,
    default_external_bodies,
)
from app.escalations.working_days import working_calendar
from app.extensions import db
from app.notifications.operations import mark_read_for_link, notify, settle
from app.reports.models import Report
from app.taxonomy.reference import taxonomy_reference

MAX_ESCALATION_LEVEL = 3


class EscalationError(InvalidInput):
    """An escalation step was refused; ``errors`` says why."""


ESCALATION_ROLES = {
    2: frozenset({Role.QUALITY_LEAD, Role.SAFEGUARDING_LEAD}),
    3: frozenset({Role.MANAGER}),
}
"""Who an unacknowledged alert reaches after level 1 (the region's supervisors): organisation-wide
roles, and of them only those who may read the report (a manager never sees a safeguarding one)."""


def _tier(alert: StopTheLineAlert, level: int) -> int:
    """The tier of the escalation ladder ``level`` means for ``alert``: 0 is the on-call supervisor
    (only when someone was on call), 1 the region's supervisors, 2 and 3 the ``ESCALATION_ROLES``."""
    return level - 1 if alert.on_call_user_id is not None else level


def top_level(alert: StopTheLineAlert) -> int:
    return MAX_ESCALATION_LEVEL + (1 if alert.on_call_user_id is not None else 0)


def _on_level(user, alert: StopTheLineAlert, level: int) -> bool:
    tier = _tier(alert, level)
    if tier == 0:
        return user.id == alert.on_call_user_id
    if tier == 1:
        return Role.SUPERVISOR in user.roles and alert.region_id in user.region_ids
    return bool(user.roles & ESCALATION_ROLES[tier])


def alert_recipients(alert: StopTheLineAlert, level: int) -> list[User]:
    """Those told when ``alert`` reaches ``level``: never anyone who may not read its report. With
    someone on call: they alone first, then the region's other supervisors."""
    tier = _tier(alert, level)
    if tier == 0:
        candidates = [alert.on_call_user]
    elif tier == 1:
        candidates = [
            user
            for user in users_with_role(Role.SUPERVISOR, region_id=alert.region_id)
            if user.id != alert.on_call_user_id
        ]
    else:
        candidates = [user for role in sorted(ESCALATION_ROLES[tier]) for user in users_with_role(role)]
    return [user for user in candidates if user.active and sees_report_through_role(user, alert.report)]


def can_handle_alert(user, alert: StopTheLineAlert) -> bool:
    """Whether ``user`` may acknowledge ``alert``: they were told at its level or below and may read
    its report through their role (having filed it is not enough: the alert page is staff work)."""
    on_a_level = any(_on_level(user, alert, level) for level in range(1, alert.level + 1))
    return on_a_level and sees_report_through_role(user, alert.report)


def _alert_title(report: Report):
    """Lazy: each recipient reads it in their own language."""
    return _l("Stop the line: report NM-%(id)s in %(region)s", id=report.id, region=report.region.name)


def raise_stop_the_line(report: Report, *, now: datetime | None = None) -> StopTheLineAlert:
    """Someone may still be at risk: alert whoever is on call in the region at once (with nobody on
    call, or one who may not read the report: the region's supervisors)."""
    existing = db.session.scalar(select(StopTheLineAlert).where(StopTheLineAlert.report_id == report.id))
    if existing is not None:
        return existing
    raised_at = now or now_utc()
    shift = on_call_at(report.region_id, raised_at)
    on_call = shift.user if shift is not None else None
    reachable = on_call is not None and on_call.active and sees_report_through_role(on_call, report)
    alert = StopTheLineAlert(
        report=report,
        region_id=report.region_id,
        raised_at=raised_at,
        on_call_user_id=on_call.id if reachable else None,
    )
    db.session.add(alert)
    db.session.flush()
    notify(
        alert_recipients(alert, 1),
        kind="stop_the_line",
        title=_alert_title(report),
        link=f"/alerts/{alert.id}",
    )
    record_event(
        "stop_the_line.raise",
        object_type="report",
        object_id=report.id,
        region_id=report.region_id,
        after={"alert_id": alert.id, "level": 1, "on_call": alert.on_call_user_id is not None},
    )
    return alert


def escalate_overdue_alerts(*, now: datetime | None = None) -> list[StopTheLineAlert]:
    """Move every unacknowledged alert up a level for each target period it has waited."""
    now = now or now_utc()
    step = timedelta(minutes=get_setting("stop_the_line_ack_minutes"))
    escalated = []
    open_alerts = db.session.scalars(
        select(StopTheLineAlert).where(StopTheLineAlert.acknowledged_at.is_(None))
    )
    for alert in open_alerts:
        due_level = escalation_level(alert.raised_at, now, step, top_level(alert))
        if due_level <= alert.level:
            continue
        before = alert.level
        for level in range(alert.level + 1, due_level + 1):
            notify(
                alert_recipients(alert, level),
                kind="stop_the_line_escalated",
                title=_l("Escalated: %(title)s", title=_alert_title(alert.report)),
                link=f"/alerts/{alert.id}",
            )
        alert.level = due_level
        alert.escalated_at = now
        record_event(
            "stop_the_line.escalate",
            object_type="report",
            object_id=alert.report_id,
            region_id=alert.region_id,
            before={"level": before},
            after={"level": due_level},
        )
        escalated.append(alert)
    db.session.flush()
    return escalated


def acknowledge_alert(alert: StopTheLineAlert, user, *, now: datetime | None = None) -> None:
    if alert.acknowledged_at is not None:
        return
    alert.acknowledged_at = now or now_utc()
    alert.acknowledged_by_id = user.id
    settle(
        f"/alerts/{alert.id}",
        kinds=("stop_the_line", "stop_the_line_escalated"),
        outcome="acknowledged",
        now=alert.acknowledged_at,
    )
    if alert.report.still_at_risk and alert.report.reporter_id != user.id:
        notify(
            [alert.report.reporter],
            kind="reporter_acknowledged",
            title=_l("Your report NM-%(id)s: a supervisor has acknowledged it", id=alert.report_id),
            link=f"/reports/{alert.report_id}",
        )
    record_event(
        "stop_the_line.acknowledge",
        actor=user,
        object_type="report",
        object_id=alert.report_id,
        region_id=alert.region_id,
        after={"level": alert.level},
    )


def record_safeguards(
    alert: StopTheLineAlert, user, safeguards: str, *, nurse_review: bool = False, now=None
) -> None:
    """The immediate safeguards taken (acknowledging the alert too, if nobody had yet), and, when
    asked, a same-day review by the region's nurses."""
    text = (safeguards or "").strip()
    if len(text) < 5:
        raise EscalationError({"safeguards": [_("Say what was done to keep the person safe.")]})
    if len(text) > 2000:
        raise EscalationError({"safeguards": [_("Keep this under 2000 characters.")]})
    now = now or now_utc()
    acknowledge_alert(alert, user, now=now)
    before = {"recorded": alert.safeguards_at is not None}
    alert.safeguards = text
    alert.safeguards_at = now
    alert.safeguards_by_id = user.id
    if nurse_review:
        request_nurse_review(alert.report, because="safeguards", actor=user, now=now)
    record_event(
        "stop_the_line.safeguards",
        actor=user,
        object_type="report",
        object_id=alert.report_id,
        region_id=alert.region_id,
        before=before,
        after={"recorded": True},
    )


_INSERT_CASE = {
    dialect: insert_for(SafeguardingCase.__table__)
    .on_conflict_do_nothing(index_elements=["report_id"])
    .returning(SafeguardingCase.__table__.c.id)
    for dialect, insert_for in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}
"""One case per report even when two routings meet: the second insert does nothing (PostgreSQL
waits for the first to commit) and the triggers are merged into the first's case."""


def route_to_safeguarding(report: Report, *, because: str, triggers=(), actor=None, now=None):
    """Send a safeguarding or rights signal to the safeguarding lead now, and restrict the report."""
    unknown = [t for t in triggers if t not in SAFEGUARDING_TRIGGERS]
    if unknown:
        raise EscalationError({"safeguarding_triggers": [_("Choose from the listed triggers.")]})
    case = _case_of(report)
    if case is not None:
        return _merge_triggers(case, report, triggers, actor)
    values = {
        "report_id": report.id,
        "routed_at": now or now_utc(),
        "routed_because": because,
        "triggers": sorted(set(triggers)),
    }
    case_id = db.session.execute(_INSERT_CASE[db.session.get_bind().dialect.name].values(**values)).scalar()
    if case_id is None:
        # Routed at the same moment by someone else (the database waited for them): one case.
        return _merge_triggers(_case_of(report), report, triggers, actor)
    case = db.session.get(SafeguardingCase, case_id)
    db.session.expire(report, ["safeguarding_case"])
    report.safeguarding_restricted = True
    db.session.flush()
    notify(
        users_with_role(Role.SAFEGUARDING_LEAD),
        kind="safeguarding",
        title=_l(
            "Safeguarding signal: report NM-%(id)s in %(region)s", id=report.id, region=report.region.name
        ),
        link=f"/safeguarding/{case.id}",
    )
    record_event(
        "safeguarding.route",
        actor=actor,
        object_type="report",
        object_id=report.id,
        region_id=report.region_id,
        after={"because": because, "triggers": case.triggers, "case_id": case.id},
    )
    return case


def _case_of(report: Report) -> SafeguardingCase | None:
    return db.session.scalar(select(SafeguardingCase).where(SafeguardingCase.report_id == report.id))


def _merge_triggers(case: SafeguardingCase, report: Report, triggers, actor) -> SafeguardingCase:
    merged = sorted(set(case.triggers or []) | set(triggers))
    if merged != sorted(case.triggers or []):
        record_event(
            "safeguarding.triggers",
            actor=actor,
            object_type="report",
            object_id=report.id,
            region_id=report.region_id,
            before={"triggers": case.triggers},
            after={"triggers": merged},
        )
        case.triggers = merged
    return case


def decide_safeguarding(
    case: SafeguardingCase,
    user,
    *,
    decision: str,
    rationale: str,
    persons_views: str = "",
    external_body_id: int | None = None,
    now=None,
    based_on=UNCHECKED,
) -> None:
    """Record the safeguarding lead's decision, its rationale and the person's views.

    Referring to an external body names the body, and opens the duty to report to it with its clock
    (``add_external_duty``). ``based_on`` is the case version the form was read from; a decision
    over someone else's newer one raises ``EditConflict`` (``app.core.concurrency``).
    """
    errors = {}
    body = db.session.get(ExternalBody, external_body_id) if external_body_id is not None else None
    if decision not in SAFEGUARDING_DECISIONS:
        errors["decision"] = [_("Choose a decision.")]
    elif decision == "refer_external" and (body is None or not body.active):
        errors["external_body_id"] = [_("Choose the body you refer to.")]
    if len((rationale or "").strip()) < 10:
        errors["rationale"] = [_("Give the reason for the decision (a sentence or two).")]
    if len(rationale or "") > 4000 or len(persons_views or "") > 4000:
        errors.setdefault("rationale", []).append(_("Keep each answer under 4000 characters."))
    if errors:
        raise EscalationError(errors)
    check_version(case, based_on)
    before = {"decision": case.decision}
    case.decision = decision
    case.rationale = rationale.strip()
    case.persons_views = (persons_views or "").strip() or None
    case.decided_by_id = user.id
    case.decided_at = now or now_utc()
    if decision == "refer_external":
        add_external_duty(case.report, body, tz=org_tz(), actor=user, now=case.decided_at)
    settle(
        f"/safeguarding/{case.id}",
        kinds=("safeguarding", *DEADLINE_KINDS),
        outcome="decided",
        now=case.decided_at,
    )
    record_event(
        "safeguarding.decide",
        actor=user,
        object_type="report",
        object_id=case.report_id,
        region_id=case.report.region_id,
        before=before,
        after={"decision": decision},
    )


def record_case_view(user, case: SafeguardingCase) -> None:
    """Opening a safeguarding case is audited (it shows who is at risk), and reads the notifications
    that pointed to it."""
    record_event(
        "safeguarding.view",
        actor=user,
        object_type="report",
        object_id=case.report_id,
        region_id=case.report.region_id,
    )
    mark_read_for_link(user, f"/safeguarding/{case.id}")


_DECISION_QUESTIONS = [
    ("decision", _l("Decision")),
    ("rationale", _l("Rationale")),
    ("persons_views", _l("The person's views")),
]


def decision_conflict(case: SafeguardingCase, submitted: dict) -> ConflictView:
    """The stored decision beside the one that was refused, for the conflict partial."""
    theirs = {
        "decision": str(SAFEGUARDING_DECISIONS.get(case.decision or "", "")),
        "rationale": case.rationale or "",
        "persons_views": case.persons_views or "",
    }
    yours = {
        "decision": str(SAFEGUARDING_DECISIONS.get(submitted.get("decision", ""), "")),
        "rationale": submitted.get("rationale", "").strip(),
        "persons_views": submitted.get("persons_views", "").strip(),
    }
    return conflict_view(case.decided_by, case.decided_at, _DECISION_QUESTIONS, theirs, yours)


def ensure_default_external_bodies(retire_others: bool = False, *, actor=None) -> list[ExternalBody]:
    """Add the jurisdiction's default external bodies that are missing (by code); the ones present
    are left as an administrator set them. ``retire_others`` (the demo's fresh install) also
    deactivates every body that is not one of the jurisdiction's defaults and no duty uses.

    With an ``actor`` (an administrator who changed the jurisdiction) each body added is audited as
    an added body is on the external bodies page; an install's seeding (no actor) is not, as the
    default categories' is not."""
    chosen = jurisdiction()
    wanted = default_external_bodies(chosen)
    existing = set(db.session.scalars(select(ExternalBody.code)))
    added = [ExternalBody(**spec) for spec in wanted if spec["code"] not in existing]
    db.session.add_all(added)
    if actor is not None:
        db.session.flush()
        for body in added:
            record_event(
                "external_body.save",
                actor=actor,
                object_type="external_body",
                object_id=body.id,
                after={
                    "code": body.code,
                    "due": body.due_amount,
                    "business_days": body.due_in_business_days,
                    "active": body.active,
                    "default_for": chosen.kind,
                },
            )
    if retire_others:
        used = select(ExternalDuty.body_id)
        db.session.execute(
            update(ExternalBody)
            .where(ExternalBody.code.not_in([spec["code"] for spec in wanted]), ExternalBody.id.not_in(used))
            .values(active=False)
        )
    db.session.flush()
    return added


def active_external_bodies() -> list[ExternalBody]:
    return list(
        db.session.scalars(select(ExternalBody).where(ExternalBody.active).order_by(ExternalBody.name))
    )


def add_external_duty(
    report: Report, body: ExternalBody, *, tz: ZoneInfo, actor=None, now: datetime | None = None
) -> ExternalDuty:
    """A duty to report to ``body``, due by its rule counted from when the report arrived (business
    days by the organisation's calendar: weekends, public holidays and the days an administrator added
    are not counted)."""
    for duty in report.external_duties:
        if duty.body_id == body.id:
            return duty
    target = Target(body.due_amount, body.due_in_business_days)
    duty = ExternalDuty(
        report=report,
        body=body,
        due_at=due_at(report.received_at, target, tz, calendar=working_calendar()),
        identified_by_id=actor.id if actor is not None else None,
        identified_at=now or now_utc(),
    )
    db.session.add(duty)
    db.session.flush()
    record_event(
        "external_duty.add",
        actor=actor,
        object_type="report",
        object_id=report.id,
        region_id=report.region_id,
        after={"body": body.code, "due_at": duty.due_at.isoformat()},
    )
    return duty


def complete_external_duty(duty: ExternalDuty, user, *, reference: str, notes: str = "", done_at=None):
    """Record that the body was told: when, by whom, and the reference it gave."""
    reference = (reference or "").strip()
    if not reference:
        raise EscalationError({"reference": [_("Give the reference the body gave you.")]})
    if len(reference) > 120:
        raise EscalationError({"reference": [_("Keep the reference under 120 characters.")]})
    duty.done_at = done_at or now_utc()
    duty.done_by_id = user.id
    settle(duty_link(duty), kinds=DEADLINE_KINDS, outcome="done", now=duty.done_at)
    duty.reference = reference
    duty.notes = (notes or "").strip()[:2000] or None
    record_event(
        "external_duty.done",
        actor=user,
        object_type="report",
        object_id=duty.report_id,
        region_id=duty.report.region_id,
        after={"body": duty.body.code, "reference": True},
    )


def on_report_submitted(report: Report, *, stop_the_line: bool = True) -> None:
    """Subscriber to reports' ``report_submitted``: stop the line and route safeguarding at once.
    ``stop_the_line=False``: the sender holds the alert back (an anonymous link's second still-at-risk
    report within a minute, which triage shows first instead)."""
    category = taxonomy_reference().categories_by_id.get(report.category_id) or report.category
    if stop_the_line and (report.still_at_risk or category.is_stop_the_line):
        raise_stop_the_line(report, now=report.received_at)
    if category.is_safeguarding:
        route_to_safeguarding(report, because="category", now=report.received_at)
    if category.is_clinical:
        request_nurse_review(report, because="category", now=report.received_at)


def save_external_body(
    actor,
    *,
    body: ExternalBody | None,
    code: str,
    name: str,
    due_amount,
    business_days: bool,
    for_incidents: bool,
    active: bool,
) -> ExternalBody:
    """Add or change a body the provider reports to, with its due-time rule."""
    errors: dict[str, list[str]] = {}
    code = (code or "").strip().lower().replace(" ", "_")
    if not code or len(code) > 40 or not code.replace("_", "").isalnum():
        errors["code"] = [_("Give a short code of letters, digits and underscores.")]
    elif body is None and db.session.scalar(select(ExternalBody).where(ExternalBody.code == code)):
        errors["code"] = [_("That code is already used.")]
    if not 2 <= len((name or "").strip()) <= 120:
        errors["name"] = [_("Give the body's name.")]
    if due_amount is None or not 0 < due_amount <= 365 * 24:
        errors["due_amount"] = [_("Give the time allowed as a number of hours or business days.")]
    if errors:
        raise EscalationError(errors)
    before = (
        None
        if body is None
        else {
            "code": body.code,
            "due": body.due_amount,
            "business_days": body.due_in_business_days,
            "active": body.active,
        }
    )
    body = body or ExternalBody(code=code)
    body.name = name.strip()
    body.due_amount = due_amount
    body.due_in_business_days = business_days
    body.for_incidents = for_incidents
    body.active = active
    db.session.add(body)
    db.session.flush()
    record_event(
        "external_body.save",
        actor=actor,
        object_type="external_body",
        object_id=body.id,
        before=before,
        after={"code": body.code, "due": body.due_amount, "business_days": business_days, "active": active},
    )
    return body
