"""Deadlines that warn: external duties and safeguarding decisions tell their owners before they
breach (at the set shares of the time allowed) and escalate to the managers when they do. Each
warning is sent once, each is an audit event, and all are settled when the work is done.

Run by the clock check every minute (``app.system.tasks.check_clocks``). Callers commit.
"""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.queries import users_with_role
from app.core.audit.operations import record_event
from app.core.clock import org_tz
from app.core.i18n import lazy, local_datetime
from app.core.models import now_utc
from app.core.permissions import sees_report_through_role
from app.core.roles import Role
from app.core.settings import get_setting
from app.escalations.clocks import deadline_stage
from app.escalations.models import ExternalDuty, SafeguardingCase
from app.extensions import db
from app.notifications.operations import notify

DEADLINE_KINDS = ("deadline_warning", "deadline_breached")
"""Notification kinds of the warnings; settled when the duty is done or the case decided."""


def duty_link(duty: ExternalDuty) -> str:
    return f"/reports/{duty.report_id}#duty-{duty.id}"


def warning_fractions() -> tuple[float, ...]:
    """The organisation's warning points as fractions of the time allowed, ascending."""
    points = {get_setting("deadline_first_warning_percent"), get_setting("deadline_second_warning_percent")}
    return tuple(sorted(p / 100 for p in points))


def safeguarding_due_at(case: SafeguardingCase) -> datetime:
    return case.routed_at + timedelta(hours=get_setting("safeguarding_decision_hours"))


def _who_may_read(users, report) -> list:
    return [user for user in users if sees_report_through_role(user, report)]


def duty_owners(duty: ExternalDuty) -> list:
    """Who answers for an external duty: whoever identified it, and the safeguarding leads and the
    region's supervisors who may read the report."""
    report = duty.report
    candidates = [
        *([duty.identified_by] if duty.identified_by is not None else []),
        *users_with_role(Role.SAFEGUARDING_LEAD),
        *users_with_role(Role.SUPERVISOR, region_id=report.region_id),
    ]
    return _who_may_read(candidates, report)


def _managers_for(report) -> list:
    return _who_may_read([*users_with_role(Role.MANAGER), *users_with_role(Role.QUALITY_LEAD)], report)


def _tell(
    stage: int, last: int, *, owners, report, what: str, due: datetime, link: str, event: str, object_id
):
    local_due = due.astimezone(org_tz())

    def due_words():
        return local_datetime(local_due, "%d %b %Y %H:%M")

    if stage == last:
        notify(
            [*owners, *_managers_for(report)],
            kind="deadline_breached",
            title=lazy(
                lambda: _(
                    "Overdue: %(what)s for report NM-%(id)s was due %(due)s",
                    what=what,
                    id=report.id,
                    due=due_words(),
                )
            ),
            link=link,
        )
    else:
        notify(
            owners,
            kind="deadline_warning",
            title=lazy(
                lambda: _(
                    "Due %(due)s: %(what)s for report NM-%(id)s", due=due_words(), what=what, id=report.id
                )
            ),
            link=link,
        )
    record_event(
        f"{event}.{'escalate' if stage == last else 'warn'}",
        object_type="report",
        object_id=report.id,
        region_id=report.region_id,
        after={"stage": stage, object_id[0]: object_id[1], "due_at": due.isoformat()},
    )


def warn_of_deadlines(*, now: datetime | None = None) -> int:
    """Send every warning and escalation now due, once each; returns how many were sent."""
    now = now or now_utc()
    fractions = warning_fractions()
    breached = len(fractions) + 1
    sent = 0
    duties = db.session.scalars(
        select(ExternalDuty).where(ExternalDuty.done_at.is_(None), ExternalDuty.deadline_stage < breached)
    )
    for duty in duties:
        stage = deadline_stage(duty.identified_at, duty.due_at, now, fractions)
        if stage > duty.deadline_stage:
            _tell(
                stage,
                breached,
                owners=duty_owners(duty),
                report=duty.report,
                # The body's name too in each recipient's language (a default body's is translated).
                what=lazy(lambda body=duty.body: _("the report to %(body)s", body=body.label)),
                due=duty.due_at,
                link=duty_link(duty),
                event="external_duty",
                object_id=("duty_id", duty.id),
            )
            duty.deadline_stage = stage
            sent += 1
    cases = db.session.scalars(
        select(SafeguardingCase).where(
            SafeguardingCase.decided_at.is_(None), SafeguardingCase.deadline_stage < breached
        )
    )
    for case in cases:
        due = safeguarding_due_at(case)
        stage = deadline_stage(case.routed_at, due, now, fractions)
        if stage > case.deadline_stage:
            _tell(
                stage,
                breached,
                owners=_who_may_read(users_with_role(Role.SAFEGUARDING_LEAD), case.report),
                report=case.report,
                what=_l("the safeguarding decision"),
                due=due,
                link=f"/safeguarding/{case.id}",
                event="safeguarding",
                object_id=("case_id", case.id),
            )
            case.deadline_stage = stage
            sent += 1
    db.session.flush()
    return sent
