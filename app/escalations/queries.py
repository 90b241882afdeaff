"""Reads for escalations: open alerts, safeguarding cases, and each report's clocks."""

from datetime import datetime, timedelta

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.auth.queries import users_with_role
from app.core.permissions import can_triage, sees_report_through_role
from app.core.roles import Role
from app.core.settings import get_setting
from app.escalations.clocks import Clock, clock
from app.escalations.models import ExternalDuty, NurseReview, OnCallShift, SafeguardingCase, StopTheLineAlert
from app.escalations.on_call import can_edit_rota
from app.escalations.operations import can_handle_alert
from app.extensions import db
from app.taxonomy.queries import regions_by_name


def visible_alert_or_404(user, alert_id: int) -> StopTheLineAlert:
    """The alert if ``user`` may read its report through their role (as ``/reports/<id>`` shows the
    full page); 404 for unknown and forbidden alike. Being told about an alert never widens what a
    person may read, and the reporter of a still-at-risk report gets only the reporter's view of it:
    who acknowledged and the safeguards are staff work."""
    alert = db.session.get(StopTheLineAlert, alert_id)
    if alert is None or not sees_report_through_role(user, alert.report):
        abort(404)
    return alert


def safeguarding_case_or_404(case_id: int) -> SafeguardingCase:
    """The case, or 404. Who may open cases at all is the route's check (the safeguarding screen)."""
    case = db.session.get(SafeguardingCase, case_id)
    if case is None:
        abort(404)
    return case


def visible_duty_or_404(user, duty_id: int) -> ExternalDuty:
    """The external duty if ``user`` may read its report through their role; 404 otherwise."""
    duty = db.session.get(ExternalDuty, duty_id)
    if duty is None or not sees_report_through_role(user, duty.report):
        abort(404)
    return duty


def can_record_duty(user, report) -> bool:
    """Recording that an external body was told is for the region's supervisors and the leads."""
    return can_triage(user, report) or Role.SAFEGUARDING_LEAD in user.roles


def open_alerts_for(user) -> list[StopTheLineAlert]:
    """Unacknowledged or unsafeguarded alerts this user may handle, oldest first (each needs its
    report: handling an alert needs reading its report)."""
    alerts = db.session.scalars(
        select(StopTheLineAlert)
        .options(selectinload(StopTheLineAlert.report))
        .where(StopTheLineAlert.safeguards_at.is_(None))
        .order_by(StopTheLineAlert.raised_at)
    )
    return [a for a in alerts if can_handle_alert(user, a)]


def safeguarding_cases(*, open_only: bool = True) -> list[SafeguardingCase]:
    statement = select(SafeguardingCase).order_by(SafeguardingCase.routed_at)
    if open_only:
        statement = statement.where(SafeguardingCase.decided_at.is_(None))
    return list(db.session.scalars(statement))


def report_clocks(report, now: datetime) -> list[Clock]:
    """Every clock that applies to ``report``: met, running, late or breached."""
    clocks = []
    alert = getattr(report, "stop_the_line", None)
    if alert is not None:
        ack_target = timedelta(minutes=get_setting("stop_the_line_ack_minutes"))
        clocks.append(
            clock(
                _("Stop-the-line acknowledged"),
                alert.raised_at,
                alert.raised_at + ack_target,
                alert.acknowledged_at,
                now,
            )
        )
    triage = getattr(report, "triage", None)
    triage_target = timedelta(hours=get_setting("triage_target_hours"))
    clocks.append(
        clock(
            _("Triaged"),
            report.received_at,
            report.received_at + triage_target,
            triage.triaged_at if triage else None,
            now,
        )
    )
    case = getattr(report, "safeguarding_case", None)
    if case is not None:
        decision_target = timedelta(hours=get_setting("safeguarding_decision_hours"))
        clocks.append(
            clock(
                _("Safeguarding decision"),
                case.routed_at,
                case.routed_at + decision_target,
                case.decided_at,
                now,
            )
        )
    for duty in report.external_duties:
        clocks.append(
            clock(
                _("Reported to %(body)s", body=duty.body.label),
                report.received_at,
                duty.due_at,
                duty.done_at,
                now,
            )
        )
    return clocks


def rota_regions(user) -> list:
    """The regions whose on-call rota ``user`` keeps, by name."""
    return [region for region in regions_by_name() if can_edit_rota(user, region.id)]


def supervisors_by_region(regions) -> dict[int, list[User]]:
    return {
        region.id: sorted(users_with_role(Role.SUPERVISOR, region_id=region.id), key=lambda u: u.name)
        for region in regions
    }


def shift_or_404(user, shift_id: int) -> OnCallShift:
    """The shift if ``user`` keeps its region's rota; 404 for unknown and someone else's alike."""
    shift = db.session.get(OnCallShift, shift_id)
    if shift is None or not can_edit_rota(user, shift.region_id):
        abort(404)
    return shift


def visible_nurse_review_or_404(user, review_id: int) -> NurseReview:
    """The nurse review if ``user`` may read its report through their role (a nurse, supervisor or
    lead of its region); 404 for unknown and forbidden alike."""
    review = db.session.get(NurseReview, review_id)
    if review is None or not sees_report_through_role(user, review.report):
        abort(404)
    return review
