"""Triage writes: the matrix versions and the triage decision. Callers commit."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core.audit.operations import record_event
from app.core.clusters import Cell, cell_exceedance
from app.core.concurrency import UNCHECKED, check_version
from app.core.i18n import number
from app.core.models import now_utc
from app.core.settings import get_setting
from app.core.validation import InvalidInput, Problems
from app.escalations.models import ExternalBody
from app.escalations.nurse_reviews import a_nurse_can_read, request_nurse_review
from app.escalations.operations import (
    add_external_duty,
    raise_stop_the_line,
    route_to_safeguarding,
)
from app.escalations.vocabulary import SAFEGUARDING_TRIGGERS
from app.extensions import db
from app.incidents.operations import CHOOSE_CATEGORY, record_incident
from app.incidents.queries import incident_category
from app.incidents.vocabulary import IncidentVia
from app.reports.models import Report, ReportStatus
from app.taxonomy.vocabulary import EventClass, InterfaceType
from app.triage.matrix import (
    DEFAULT_MATRIX,
    Recurrence,
    ReviewLevel,
    Severity,
    as_plain,
    is_downgrade,
    minimum_review_level,
    propose_review_level,
    validate_matrix,
)
from app.triage.models import Triage, TriageMatrixVersion
from app.triage.queries import open_cluster_ids, recurrence_candidates, theme_counts
from app.triage.recurrence import Occurrence, RecurrenceProposal, propose_recurrence
from app.triage.signals import report_triaged
from app.triage.vocabulary import DOWNGRADE_EXPLANATION_MIN, DowngradeReason


class TriageInvalid(InvalidInput):
    """A triage or matrix edit was refused; ``errors`` says why."""


def current_matrix() -> TriageMatrixVersion:
    """The matrix in force (the newest version); version 1 is the default matrix."""
    latest = db.session.scalar(
        select(TriageMatrixVersion).order_by(TriageMatrixVersion.version.desc()).limit(1)
    )
    if latest is None:
        latest = TriageMatrixVersion(version=1, cells=as_plain(DEFAULT_MATRIX), note="Default matrix")
        db.session.add(latest)
        db.session.flush()
    return latest


def save_matrix(cells: dict, *, actor, note: str = "") -> TriageMatrixVersion:
    """Keep the old version and put a new one in force."""
    errors = validate_matrix(cells)
    if errors:
        raise TriageInvalid({key: [message] for key, message in errors.items()})
    previous = current_matrix()
    clean = {s.value: {r.value: cells[s.value][r.value] for r in Recurrence} for s in Severity}
    version = TriageMatrixVersion(
        version=previous.version + 1, cells=clean, note=note.strip()[:500], created_by_id=actor.id
    )
    db.session.add(version)
    db.session.flush()
    record_event(
        "triage_matrix.save",
        actor=actor,
        object_type="triage_matrix",
        object_id=version.version,
        before=previous.cells,
        after=clean,
    )
    return version


def recurrence_look_back() -> timedelta:
    """The look-back window for similar reports: the ``recurrence_repeat_days`` setting (90 days)."""
    return timedelta(days=get_setting("recurrence_repeat_days"))


def _occurrence(report: Report) -> Occurrence:
    return Occurrence(
        report.id,
        report.category_id,
        report.region_id,
        report.occurred_at,
        report.location,
        report.person_ref,
        report.what_happened,
        report.program_id,
    )


def unusual_theme(report: Report) -> str | None:
    """Why the report's theme is unusual for its region, in words, when the cluster detector's own
    test (``app.core.clusters``: Poisson exceedance against the ``cluster_baseline_weeks`` before,
    false-discovery control at ``cluster_fdr_percent`` across every cell of the week) flags its
    region x category cell over the 7 days ending when the report happened; else None."""
    baseline_weeks = int(get_setting("cluster_baseline_weeks"))
    counts = theme_counts(report.occurred_at, baseline_weeks)
    if counts is None:
        return None
    current, baseline = counts
    cell = Cell(report.region_id, report.category_id)
    result = cell_exceedance(
        cell, current, baseline, baseline_weeks, get_setting("cluster_fdr_percent") / 100
    )
    if not result.flagged:
        return None
    return _(
        "unusual for %(region)s: %(observed)s reports of %(category)s in 1 week against about %(expected)s "
        "expected (p = %(p)s, q = %(q)s)",
        region=report.region.name,
        observed=result.observed,
        category=report.category.label,
        expected=number(result.expected),
        p=number(result.p_value, ".2g"),
        q=number(result.q_value, ".2g"),
    )


def recurrence_for(report: Report) -> RecurrenceProposal:
    """Propose single / repeat / cluster (``app.triage.recurrence``): the candidates are the reports of
    the same region or person within the look-back window; an open detected cluster holding the
    report, or the detector's test flagging its theme for the week, decides *cluster*."""
    look_back = recurrence_look_back()
    candidates = recurrence_candidates(report, look_back)
    return propose_recurrence(
        _occurrence(report),
        candidates,
        look_back=look_back,
        open_cluster_ids=open_cluster_ids(report),
        unusual=unusual_theme(report),
    )


@dataclass
class TriageAnswers:
    still_at_risk_now: bool | None
    severity: str
    recurrence: str
    minimum_investigation: str
    event_class: str
    review_level: str
    override_reason: str = ""
    interface_flag: bool = False
    interface_type: str = ""
    safeguarding_triggers: list[str] = field(default_factory=list)
    external_body_ids: list[int] = field(default_factory=list)
    downgrade_reason: str = ""
    downgrade_text: str = ""
    clinical: bool = False
    incident_category_id: int | None = None


def _check(answers: TriageAnswers) -> dict[str, list[str]]:
    errors = Problems()
    need = errors.need

    need("still_at_risk_now", answers.still_at_risk_now is not None, _("Answer yes or no."))
    need("severity", answers.severity in {s.value for s in Severity}, _("Choose the severity potential."))
    need(
        "recurrence",
        answers.recurrence in {r.value for r in Recurrence},
        _("Choose single, repeat or cluster."),
    )
    need("review_level", answers.review_level in {r.value for r in ReviewLevel}, _("Choose a review level."))
    need("event_class", answers.event_class in {e.value for e in EventClass}, _("Choose the event class."))
    need(
        "minimum_investigation",
        3 <= len(answers.minimum_investigation.strip()) <= 2000,
        _("Say what minimum investigation will show the system failure (under 2000 characters)."),
    )
    need("override_reason", len(answers.override_reason) <= 2000, _("Keep the reason under 2000 characters."))
    if answers.interface_flag:
        need(
            "interface_type",
            answers.interface_type in {t.value for t in InterfaceType},
            _("Choose the type of interface that failed."),
        )
    need(
        "safeguarding_triggers",
        all(t in SAFEGUARDING_TRIGGERS for t in answers.safeguarding_triggers),
        _("Choose from the listed triggers."),
    )
    return errors


def triage_report(
    report: Report,
    actor,
    answers: TriageAnswers,
    *,
    tz: ZoneInfo,
    now: datetime | None = None,
    based_on=UNCHECKED,
    proposal: RecurrenceProposal | None = None,
) -> Triage:
    """Record the triage: validates, proposes from the matrix in force, and sets off escalations.

    ``based_on`` is the triage version the form was read from (``None``: no triage yet); a save over
    someone else's newer triage raises ``EditConflict`` (``app.core.concurrency``). ``proposal`` is
    the recurrence proposal when the caller has just computed it for this report (else computed here).
    """
    errors = _check(answers)
    bodies = {}
    if answers.external_body_ids:
        bodies = {
            b.id: b
            for b in db.session.scalars(
                select(ExternalBody).where(
                    ExternalBody.id.in_(answers.external_body_ids), ExternalBody.active
                )
            )
        }
        if len(bodies) != len(set(answers.external_body_ids)):
            errors["external_body_ids"] = [_("Choose from the listed bodies.")]
    category = None
    if answers.event_class == EventClass.INCIDENT:
        category = incident_category(answers.incident_category_id)
        if category is None or not category.active:
            errors["incident_category_id"] = [CHOOSE_CATEGORY]
    elif report.incident is not None and "event_class" not in errors:
        errors["event_class"] = [
            _(
                "It was recorded as having reached the person: it stays an incident (change its "
                "category on the report page)."
            )
        ]
    matrix = current_matrix()
    proposal = proposal or recurrence_for(report)
    proposed = minimum = None
    if "severity" not in errors and "recurrence" not in errors:
        proposed = propose_review_level(matrix.cells, answers.severity, answers.recurrence)
        minimum = minimum_review_level(answers.severity, answers.recurrence, proposal.recurrence.value)
    downgrading = (
        minimum is not None and "review_level" not in errors and is_downgrade(answers.review_level, minimum)
    )
    if downgrading:
        errors.update(_downgrade_problems(answers, minimum))
    elif (
        proposed is not None
        and answers.review_level != proposed.value
        and not answers.override_reason.strip()
    ):
        errors["override_reason"] = [
            _("The matrix proposes “%(level)s”. Give a reason to choose another level.", level=proposed.label)
        ]
    restricted = bool(answers.safeguarding_triggers) or not a_nurse_can_read(report)
    if answers.clinical and report.nurse_review is None and restricted:
        errors["clinical"] = [
            _(
                "No nurse of this region may read this report (it is restricted to safeguarding): "
                "phone the nurse, and say so in the minimum investigation."
            )
        ]
    if errors:
        raise TriageInvalid(errors)

    check_version(report.triage, based_on)
    now = now or now_utc()
    triage = report.triage or Triage(report=report)
    before = _snapshot(triage) if triage.id else None
    triage.triaged_by_id = actor.id
    triage.triaged_at = now
    triage.still_at_risk_now = answers.still_at_risk_now
    triage.severity = answers.severity
    triage.recurrence_proposed = proposal.recurrence.value
    triage.recurrence = answers.recurrence
    triage.similar_report_ids = [o.id for o in proposal.similar]
    triage.minimum_investigation = answers.minimum_investigation.strip()
    triage.event_class = answers.event_class
    triage.interface_flag = answers.interface_flag
    triage.interface_type = answers.interface_type if answers.interface_flag else None
    triage.safeguarding_triggers = sorted(set(answers.safeguarding_triggers))
    triage.external_body_ids = sorted(bodies)
    triage.matrix_version_id = matrix.id
    triage.proposed_review_level = proposed.value
    triage.review_level = answers.review_level
    override = answers.override_reason.strip() or (answers.downgrade_text.strip() if downgrading else "")
    triage.override_reason = override if answers.review_level != proposed.value else None
    _record_downgrade(triage, answers, _deepest(proposed, minimum) if downgrading else None)
    db.session.add(triage)

    report_before = {"status": report.status, "event_class": report.event_class}
    report.event_class = answers.event_class
    report.status = (
        ReportStatus.HANDED_OFF if answers.event_class == EventClass.INCIDENT else ReportStatus.TRIAGED
    ).value
    db.session.flush()
    record_event(
        "triage.record",
        actor=actor,
        object_type="report",
        object_id=report.id,
        region_id=report.region_id,
        before={**(before or {}), **report_before},
        after={**_snapshot(triage), "status": report.status, "event_class": report.event_class},
    )
    report_triaged.send(report, actor=actor, now=now)
    if category is not None:
        record_incident(report, category, actor=actor, via=IncidentVia.TRIAGE, now=now)

    if answers.safeguarding_triggers:
        route_to_safeguarding(
            report, because="triage", triggers=answers.safeguarding_triggers, actor=actor, now=now
        )
    if answers.event_class == EventClass.INCIDENT:
        for body in db.session.scalars(
            select(ExternalBody).where(ExternalBody.for_incidents, ExternalBody.active)
        ):
            bodies.setdefault(body.id, body)
    for body in bodies.values():
        add_external_duty(report, body, tz=tz, actor=actor)
    if answers.clinical:
        request_nurse_review(report, because="triage", actor=actor, now=now)
    if answers.still_at_risk_now:
        raise_stop_the_line(report, now=now)
    return triage


def _downgrade_problems(answers: TriageAnswers, minimum: ReviewLevel) -> dict[str, list[str]]:
    """A review below the floor needs a listed reason and an explanation of some length."""
    errors = Problems()
    chosen = ReviewLevel(answers.review_level).label
    errors.need(
        "downgrade_reason",
        answers.downgrade_reason in {r.value for r in DowngradeReason},
        _(
            "High potential and clustered reports get at least a %(floor)s. "
            "To choose “%(chosen)s”, say why from the list.",
            floor=minimum.label.lower(),
            chosen=chosen,
        ),
    )
    errors.need(
        "downgrade_text",
        DOWNGRADE_EXPLANATION_MIN <= len(answers.downgrade_text.strip()) <= 2000,
        _(
            "Explain the downgrade to “%(chosen)s” in at least %(count)s characters (under 2000).",
            chosen=chosen,
            count=DOWNGRADE_EXPLANATION_MIN,
        ),
    )
    return errors


def _deepest(*levels: ReviewLevel) -> ReviewLevel:
    return max(levels, key=lambda level: level.depth)


def _record_downgrade(triage: Triage, answers: TriageAnswers, from_level: ReviewLevel | None) -> None:
    """Store the downgrade (from the matrix's proposal, or the floor when that is deeper), or clear
    an earlier one when the level is now at or above the floor."""
    if from_level is None:
        triage.downgrade_reason = triage.downgrade_text = None
        triage.downgrade_from = triage.downgrade_to = None
        return
    triage.downgrade_reason = answers.downgrade_reason
    triage.downgrade_text = answers.downgrade_text.strip()
    triage.downgrade_from = from_level.value
    triage.downgrade_to = answers.review_level


def _snapshot(triage: Triage) -> dict:
    return {
        "severity": triage.severity,
        "recurrence": triage.recurrence,
        "recurrence_proposed": triage.recurrence_proposed,
        "review_level": triage.review_level,
        "proposed_review_level": triage.proposed_review_level,
        "overridden": bool(triage.override_reason),
        "downgrade": {
            "reason": triage.downgrade_reason,
            "from": triage.downgrade_from,
            "to": triage.downgrade_to,
        }
        if triage.downgrade_reason
        else None,
        "matrix_version_id": triage.matrix_version_id,
        "interface_type": triage.interface_type,
        "triggers": triage.safeguarding_triggers,
        "still_at_risk_now": triage.still_at_risk_now,
    }


def untriaged_count() -> int:
    return db.session.scalar(select(func.count(Report.id)).where(Report.status == ReportStatus.NEW.value))
