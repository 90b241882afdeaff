"""CSV export of a pack's scope for analysts: one ZIP with reports, triage decisions, actions and
verifications. No free text, no reporter identity, person references pseudonymised; text that a
spreadsheet would run as a formula (an action's title, an owner's name) is neutralised by csv_text."""

import io
import zipfile

from sqlalchemy import select

from app.actions.models import Action, Verification
from app.core.csv_safe import csv_text
from app.core.pseudonyms import pseudonym
from app.dashboard.queries import Scope
from app.extensions import db
from app.reports.models import Report
from app.triage.models import Triage


def export_zip(scope: Scope, tz) -> bytes:
    start, end = scope.bounds(tz)
    statement = (
        select(Report).where(Report.occurred_at >= start, Report.occurred_at < end).order_by(Report.id)
    )
    if scope.region_ids is not None:
        statement = statement.where(Report.region_id.in_(scope.region_ids))
    reports = db.session.scalars(statement.execution_options(yield_per=2000))
    report_rows, report_ids = [], []
    for r in reports:
        report_ids.append(r.id)
        report_rows.append(
            [
                r.id,
                r.occurred_at.astimezone(tz).isoformat(),
                r.received_at.astimezone(tz).isoformat(),
                r.region.name,
                r.category.code,
                r.event_class,
                r.program_id or "",
                r.interface_tag or "",
                r.still_at_risk,
                r.safeguarding_restricted,
                r.status,
                pseudonym(r.person_ref),
            ]
        )
    triages = []
    for chunk in range(0, len(report_ids), 900):
        ids = report_ids[chunk : chunk + 900]
        triages += db.session.scalars(select(Triage).where(Triage.report_id.in_(ids))).all()
    triage_rows = [
        [
            t.report_id,
            t.triaged_at.astimezone(tz).isoformat(),
            t.severity,
            t.recurrence_proposed,
            t.recurrence,
            t.proposed_review_level,
            t.review_level,
            bool(t.override_reason),
            t.matrix_version_id,
            t.interface_type or "",
            t.event_class,
        ]
        for t in triages
    ]
    actions = db.session.scalars(select(Action).order_by(Action.id)).all()
    action_rows = [
        [
            a.id,
            a.title,
            a.owner.name,
            a.due_date.isoformat(),
            a.strength,
            a.status,
            a.completed_at.astimezone(tz).date().isoformat() if a.completed_at else "",
            a.window_start.isoformat(),
            a.window_end.isoformat(),
            a.baseline_count,
            a.target_reduction_percent,
        ]
        for a in actions
    ]
    verifications = db.session.scalars(select(Verification).order_by(Verification.id)).all()
    verification_rows = [
        [
            v.action_id,
            v.decided_at.astimezone(tz).date().isoformat(),
            v.verdict,
            v.before_count,
            v.before_days,
            v.after_count,
            v.after_days,
            v.rate_ratio,
            v.ci_low,
            v.ci_high,
            v.target_met,
        ]
        for v in verifications
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "reports.csv",
            csv_text(
                [
                    "report_id",
                    "occurred_at",
                    "received_at",
                    "region",
                    "category",
                    "event_class",
                    "program_id",
                    "interface_type",
                    "still_at_risk",
                    "safeguarding",
                    "status",
                    "person_pseudonym",
                ],
                report_rows,
            ),
        )
        archive.writestr(
            "triage_decisions.csv",
            csv_text(
                [
                    "report_id",
                    "triaged_at",
                    "severity",
                    "recurrence_proposed",
                    "recurrence",
                    "review_level_proposed",
                    "review_level",
                    "overridden",
                    "matrix_version_id",
                    "interface_type",
                    "event_class",
                ],
                triage_rows,
            ),
        )
        archive.writestr(
            "actions.csv",
            csv_text(
                [
                    "action_id",
                    "title",
                    "owner",
                    "due_date",
                    "strength",
                    "status",
                    "completed_on",
                    "window_start",
                    "window_end",
                    "baseline_count",
                    "target_reduction_percent",
                ],
                action_rows,
            ),
        )
        archive.writestr(
            "verifications.csv",
            csv_text(
                [
                    "action_id",
                    "decided_on",
                    "verdict",
                    "before_count",
                    "before_days",
                    "after_count",
                    "after_days",
                    "rate_ratio",
                    "ci_low_95",
                    "ci_high_95",
                    "target_met",
                ],
                verification_rows,
            ),
        )
    return buffer.getvalue()
