from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.core.audit.access import record_report_view
from app.core.concurrency import (
    CONFLICT_STATUS,
    EditConflict,
    conflict_view,
    conflicts_refused,
    form_version,
)
from app.core.forms import form_int
from app.core.models import now_utc
from app.core.permissions import can_triage, can_view_report
from app.core.roles import TRIAGE_ROLES
from app.escalations.operations import active_external_bodies, escalate_overdue_alerts
from app.escalations.queries import open_alerts_for
from app.escalations.vocabulary import SAFEGUARDING_TRIGGERS
from app.extensions import db
from app.reports.models import Report, ReportStatus
from app.reports.queries import visible_report
from app.taxonomy.models import Region
from app.taxonomy.queries import active_categories
from app.taxonomy.vocabulary import EventClass, InterfaceType
from app.triage import bp
from app.triage.forms import answers_from_form
from app.triage.matrix import Recurrence, ReviewLevel, Severity
from app.triage.operations import TriageInvalid, current_matrix, recurrence_for, triage_report
from app.triage.queries import QueueFilters, triage_queue, triage_regions


def _require_triage_role():
    if not current_user.roles & TRIAGE_ROLES:
        abort(403, "Triage is for supervisors and the quality lead.")


def _int_arg(name: str) -> int | None:
    return form_int(request.args.get(name))


@bp.get("/triage")
@login_required
def queue():
    _require_triage_role()
    now = now_utc()
    if escalate_overdue_alerts(now=now):
        db.session.commit()
    status = request.args.get("status", "new")
    if status not in {"new", "all", *(s.value for s in ReportStatus)}:
        status = "new"
    filters = QueueFilters(_int_arg("region"), _int_arg("category"), status)
    regions = triage_regions(current_user)
    region_choices = [
        r for r in db.session.query(Region).order_by(Region.name) if regions is None or r.id in regions
    ]
    return render_template(
        "triage/queue.html",
        items=triage_queue(current_user, filters, now),
        alerts=open_alerts_for(current_user),
        filters=filters,
        regions=region_choices,
        categories=active_categories(),
        statuses=list(ReportStatus),
        now=now,
    )


def _triageable(report_id: int) -> Report:
    _require_triage_role()
    report = visible_report(current_user, report_id)
    if report is None:
        abort(404)
    if not can_triage(current_user, report):
        abort(403, "You triage only the reports of your own regions.")
    return report


def _render_form(report: Report, values: dict, errors: dict, status: int = 200, conflict=None):
    proposal = recurrence_for(report)
    similar = [(db.session.get(Report, o.id), proposal.matched_on[o.id]) for o in proposal.similar]
    return render_template(
        "triage/form.html",
        report=report,
        values=values,
        errors=errors,
        proposal=proposal,
        similar=[(r, on, can_view_report(current_user, r)) for r, on in similar],
        matrix=current_matrix(),
        severities=list(Severity),
        recurrences=list(Recurrence),
        review_levels=list(ReviewLevel),
        event_classes=list(EventClass),
        interface_types=list(InterfaceType),
        triggers=SAFEGUARDING_TRIGGERS,
        bodies=active_external_bodies(),
        conflict=conflict,
    ), status


def _values_for(report: Report) -> dict:
    triage = report.triage
    if triage is None:
        return {
            "version": "",
            "still_at_risk_now": "yes" if report.still_at_risk else "",
            "event_class": report.event_class,
            "interface_flag": bool(report.interface_tag),
            "interface_type": report.interface_tag or "",
            "safeguarding_triggers": [],
            "external_body_ids": [],
        }
    return {
        "version": str(triage.version),
        "still_at_risk_now": "yes" if triage.still_at_risk_now else "no",
        "severity": triage.severity,
        "recurrence": triage.recurrence,
        "minimum_investigation": triage.minimum_investigation,
        "event_class": triage.event_class,
        "review_level": triage.review_level,
        "override_reason": triage.override_reason or "",
        "interface_flag": triage.interface_flag,
        "interface_type": triage.interface_type or "",
        "safeguarding_triggers": triage.safeguarding_triggers,
        "external_body_ids": [str(i) for i in triage.external_body_ids],
    }


@bp.get("/triage/<int:report_id>")
@login_required
def triage_form(report_id: int):
    report = _triageable(report_id)
    if record_report_view(current_user, report, via="triage"):
        db.session.commit()
    return _render_form(report, _values_for(report), {})


def _submitted_values(form) -> dict:
    values = form.to_dict()
    values["safeguarding_triggers"] = form.getlist("safeguarding_triggers")
    values["external_body_ids"] = form.getlist("external_body_ids")
    values["interface_flag"] = form.get("interface_flag") == "on"
    return values


_CONFLICT_QUESTIONS = [
    ("still_at_risk_now", "Anyone still at risk now"),
    ("safeguarding_triggers", "Safeguarding triggers"),
    ("external_body_ids", "External bodies"),
    ("recurrence", "Repeat theme"),
    ("severity", "Severity potential"),
    ("minimum_investigation", "Minimum investigation"),
    ("interface", "Interface failure"),
    ("event_class", "Event class"),
    ("review_level", "Review level"),
    ("override_reason", "Reason for another level"),
]


def _label(vocabulary, value: str) -> str:
    try:
        return vocabulary(value).label
    except ValueError:
        return value or ""


def _readable(values: dict) -> dict:
    """Triage answers as a person reads them, for the side-by-side of a conflict."""
    bodies = {str(b.id): b.name for b in active_external_bodies()}
    return {
        "still_at_risk_now": {"yes": "Yes", "no": "No"}.get(values.get("still_at_risk_now", ""), ""),
        "safeguarding_triggers": "; ".join(
            SAFEGUARDING_TRIGGERS.get(t, t) for t in sorted(values.get("safeguarding_triggers", []))
        ),
        "external_body_ids": "; ".join(sorted(bodies.get(i, i) for i in values.get("external_body_ids", []))),
        "recurrence": (values.get("recurrence") or "").capitalize(),
        "severity": (values.get("severity") or "").capitalize(),
        "minimum_investigation": (values.get("minimum_investigation") or "").strip(),
        "interface": _label(InterfaceType, values.get("interface_type", ""))
        if values.get("interface_flag")
        else "No",
        "event_class": _label(EventClass, values.get("event_class", "")),
        "review_level": _label(ReviewLevel, values.get("review_level", "")),
        "override_reason": (values.get("override_reason") or "").strip(),
    }


@bp.post("/triage/<int:report_id>")
@login_required
def save_triage(report_id: int):
    report = _triageable(report_id)
    answers = answers_from_form(request.form)
    try:
        with conflicts_refused():
            triage_report(
                report,
                current_user,
                answers,
                tz=ZoneInfo(current_app.config["ORG_TIMEZONE"]),
                based_on=form_version(request.form),
            )
            db.session.commit()
    except TriageInvalid as exc:
        db.session.rollback()
        values = _submitted_values(request.form)
        return _render_form(db.session.get(Report, report_id), values, exc.errors, status=422)
    except EditConflict:
        db.session.rollback()
        report = db.session.get(Report, report_id)
        theirs = _values_for(report)
        yours = _submitted_values(request.form)
        yours["version"] = theirs["version"]  # saving again is a deliberate choice to replace theirs
        saved_by, saved_at = (
            (report.triage.triaged_by, report.triage.triaged_at) if report.triage else (None, None)
        )
        conflict = conflict_view(saved_by, saved_at, _CONFLICT_QUESTIONS, _readable(theirs), _readable(yours))
        return _render_form(report, yours, {}, status=CONFLICT_STATUS, conflict=conflict)
    flash(f"NM-{report.id} triaged.")
    return redirect(url_for("triage.queue"))
