"""The action register: actions, verification and spot checks. Callers commit."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.actions.measure import MeasureFilter, split_counts
from app.actions.models import Action, SpotCheck, Verification
from app.actions.process import process_comparison, process_record, unshown_process_message
from app.actions.queries import comparison_for, matching_report_days, windows_for
from app.actions.vocabulary import STRENGTHS, VERDICTS
from app.auth.models import User
from app.auth.queries import users_with_role
from app.core.audit.operations import record_event
from app.core.concurrency import UNCHECKED, check_version
from app.core.i18n import lazy, local_datetime, number
from app.core.ids import is_db_id
from app.core.models import now_utc
from app.core.permissions import can_view_report
from app.core.roles import Role
from app.core.settings import get_setting
from app.core.validation import InvalidInput, Problems
from app.extensions import db
from app.notifications.operations import notify, settle
from app.reports.models import Report, ReportStatus
from app.reports.operations import advance_status
from app.reports.queries import UNSEEN_REPORT
from app.reviews.models import Review
from app.reviews.queries import can_view_review
from app.taxonomy.models import Category, Program, Region
from app.taxonomy.vocabulary import InterfaceType

MIN_WINDOW_DAYS = 7
VERIFIER_ROLES = frozenset({Role.QUALITY_LEAD, Role.OPERATIONS_LEAD, Role.SUPERVISOR, Role.MANAGER})
UNSEEN_REVIEW = _l("Link only reviews you can see (R-numbers).")
MIN_REASON = 10


def unshown_effect_message(comparison, process=None) -> str:
    """Why "effective" is refused without a reason: what the intervals that do not show it say (the
    reports' rate ratio, and the process measure's difference when the action has one)."""
    evidence = []
    if comparison.ci_high is None:
        evidence.append(_("There is no rate ratio to judge (no matching reports)"))
    elif not comparison.clear_reduction:
        evidence.append(
            _(
                "The 95%% interval (%(low)s to %(high)s) includes 1: the data do not show a reduction",
                low=number(comparison.ci_low, ".2f"),
                high=number(comparison.ci_high, ".2f"),
            )
        )
    if process is not None and not process.improvement_shown:
        evidence.append(unshown_process_message(process))
    anyway = _("To call the action effective anyway, give your reason (what else shows it works).")
    return f"{'. '.join(evidence)}. {anyway}"


class ActionInvalid(InvalidInput):
    """An action was refused; ``errors`` says why, field by field."""


@dataclass
class ActionInput:
    title: str
    change: str
    owner_id: int | None
    due_date: date | None
    strength: str
    window_start: date | None
    window_end: date | None
    measure: MeasureFilter
    target_reduction_percent: float | None
    report_ids: list[int] = field(default_factory=list)
    review_ids: list[int] = field(default_factory=list)
    # None: the default (before the first week of a cluster the action answers, else the start).
    baseline_end: date | None = None


def _known(model, ids) -> dict:
    ids = [i for i in ids if is_db_id(i)]
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}


def _check(
    data: ActionInput,
    today: date,
    *,
    measure_locked: bool,
    kept_due: date | None,
    actor,
    action: Action | None,
) -> tuple[dict, dict]:
    errors = Problems()
    need = errors.need

    need("title", 3 <= len(data.title.strip()) <= 200, _("Give the action a short title."))
    need("change", 3 <= len(data.change.strip()) <= 5000, _("Say what the action changes."))
    need("strength", data.strength in STRENGTHS, _("Choose how strong the action is."))
    owner = db.session.get(User, data.owner_id) if data.owner_id and is_db_id(data.owner_id) else None
    need("owner_id", owner is not None and owner.active, _("Choose an active owner."))
    need("due_date", data.due_date is not None, _("Give a due date."))
    if data.due_date is not None and data.due_date != kept_due:
        need("due_date", data.due_date >= today, _("The due date is in the past."))
    need("window_start", data.window_start is not None, _("Give the day the test starts."))
    need("window_end", data.window_end is not None, _("Give the day the test ends."))
    if data.window_start and data.window_end:
        need(
            "window_end",
            (data.window_end - data.window_start).days + 1 >= MIN_WINDOW_DAYS,
            _(
                "The test window must be at least %(days)s days and end after it starts.",
                days=MIN_WINDOW_DAYS,
            ),
        )
    if not measure_locked and data.window_start is not None:
        need(
            "window_start",
            data.window_start >= today,
            _("The measure must be defined before the test starts: start today or later."),
        )
    if data.due_date and data.window_end:
        need(
            "due_date",
            data.due_date <= data.window_end,
            _("The action must be due before its test window ends."),
        )
    if data.baseline_end is not None and data.window_start is not None:
        need(
            "baseline_end",
            data.baseline_end <= data.window_start,
            _("The baseline must end on or before the day the test starts."),
        )
    target = data.target_reduction_percent
    need(
        "target_reduction_percent",
        target is not None and 0 < target <= 100,
        _("Give the target as a reduction between 1 and 100 percent."),
    )
    need(
        "measure",
        not data.measure.is_empty(),
        _("Say which reports count: choose at least one category, region, program or interface type."),
    )
    m = data.measure
    need("measure", len(_known(Category, m.category_ids)) == len(m.category_ids), _("Unknown category."))
    need("measure", len(_known(Region, m.region_ids)) == len(m.region_ids), _("Unknown region."))
    need("measure", len(_known(Program, m.program_ids)) == len(m.program_ids), _("Unknown program."))
    need(
        "measure",
        all(t in {i.value for i in InterfaceType} for t in m.interface_types),
        _("Unknown interface type."),
    )
    # A new link needs a report (review) the actor may see; an unknown id gets the same answer.
    linked_reports = set(action.reports) if action is not None else set()
    reports = _known(Report, data.report_ids)
    need(
        "report_ids",
        len(reports) == len(set(data.report_ids))
        and all(r in linked_reports or can_view_report(actor, r) for r in reports.values()),
        UNSEEN_REPORT,
    )
    linked_reviews = set(action.reviews) if action is not None else set()
    reviews = _known(Review, data.review_ids)
    need(
        "review_ids",
        len(reviews) == len(set(data.review_ids))
        and all(r in linked_reviews or can_view_review(actor, r) for r in reviews.values()),
        UNSEEN_REVIEW,
    )
    return errors, {"reports": list(reports.values()), "reviews": list(reviews.values())}


def _snapshot(action: Action) -> dict:
    return {
        "title_set": bool(action.title),
        "owner_id": action.owner_id,
        "due_date": str(action.due_date),
        "first_due_date": str(action.first_due_date),
        "strength": action.strength,
        "status": action.status,
        "window": [str(action.window_start), str(action.window_end)],
        "baseline_end": str(action.baseline_end) if action.baseline_end else None,
        "measure": action.measure,
        "baseline_count": action.baseline_count,
        "target": action.target_reduction_percent,
    }


def save_action(
    actor,
    data: ActionInput,
    *,
    tz: ZoneInfo,
    today: date,
    action: Action | None = None,
    based_on=UNCHECKED,
):
    """Create or edit an action. Once its test has started the measure, baseline and target are fixed.

    A new link needs a report or review ``actor`` may see; links they cannot see are kept as they are.
    A linked triaged report becomes "action planned"; an untriaged one stays in the triage queue
    until triage moves it on (``on_report_triaged``)."""
    locked = action is not None and today >= action.window_start
    if locked and (
        data.measure.to_json() != MeasureFilter.from_json(action.measure).to_json()
        or data.window_start != action.window_start
        or data.target_reduction_percent != action.target_reduction_percent
        or data.baseline_end != action.baseline_end
    ):
        raise ActionInvalid(
            {"measure": [_("The measure, baseline, start and target are fixed once the test has started.")]}
        )
    errors, links = _check(
        data,
        today,
        measure_locked=locked,
        kept_due=action.due_date if action is not None else None,
        actor=actor,
        action=action,
    )
    if errors:
        raise ActionInvalid(errors)
    check_version(action, based_on)  # a save over someone else's newer one: EditConflict
    created = action is None
    before = None if created else _snapshot(action)
    action = action or Action(created_by_id=actor.id, status="open")
    action.title = data.title.strip()
    action.change = data.change.strip()
    action.owner_id = data.owner_id
    action.due_date = data.due_date
    if action.first_due_date is None:
        action.first_due_date = data.due_date
    action.strength = data.strength
    action.window_start = data.window_start
    action.window_end = data.window_end
    action.target_reduction_percent = data.target_reduction_percent
    if not locked:
        action.measure = data.measure.to_json()
        action.baseline_end = data.baseline_end
        action.baseline_weeks = int(get_setting("action_baseline_weeks"))
        windows = windows_for(action)
        days = matching_report_days(data.measure, windows.baseline_start, windows.start, tz)
        action.baseline_count = split_counts(days, windows)[0]
    new_reports = [r for r in links["reports"] if r not in action.reports]
    # Links the actor cannot see were made by someone who could: kept, since they were never shown.
    hidden_reports = [r for r in action.reports if not can_view_report(actor, r)]
    hidden_reviews = [r for r in action.reviews if not can_view_review(actor, r)]
    action.reports = links["reports"] + [r for r in hidden_reports if r not in links["reports"]]
    action.reviews = links["reviews"] + [r for r in hidden_reviews if r not in links["reviews"]]
    db.session.add(action)
    db.session.flush()
    record_event(
        "action.create" if created else "action.update",
        actor=actor,
        object_type="action",
        object_id=action.id,
        before=before,
        after=_snapshot(action),
    )
    for report in new_reports:
        advance_status(
            report,
            ReportStatus.ACTION_PLANNED,
            actor=actor,
            event="action.link",
            link={"action_id": action.id},
        )
    return action


def mark_done(action: Action, actor, *, note: str = "") -> None:
    """The owner (or the quality lead) says the change is in place."""
    if action.status != "open":
        return
    action.status = "done"
    action.completed_at = now_utc()
    settle(
        f"/actions/{action.id}",
        kinds=("action_overdue", "action_due_soon"),
        outcome="done",
        now=action.completed_at,
    )
    action.progress_note = note.strip()[:2000] or action.progress_note
    record_event(
        "action.done",
        actor=actor,
        object_type="action",
        object_id=action.id,
        before={"status": "open"},
        after={"status": "done"},
    )


def can_verify(user, action: Action) -> bool:
    return user.id != action.owner_id and bool(user.roles & VERIFIER_ROLES)


def verify(
    action: Action,
    verifier,
    *,
    verdict: str,
    note: str,
    tz: ZoneInfo,
    today: date,
    new_window_end: date | None = None,
    reason: str = "",
    based_on=UNCHECKED,
) -> Verification:
    """Record the verdict on the computed comparison. The verifier is never the owner.

    "Effective" while the rate ratio's interval includes 1 (or there is no interval), or while the
    process measure's difference does not exclude 0 on the good side (when the action has one), is a
    judgment the data do not show: it needs a stated ``reason``, and packs show it as "not shown by
    the data". The process comparison is recorded with the verdict.

    ``based_on`` is the action version the verdict form was read from: every verdict changes the
    action, so of two verdicts given at once on the same window one is refused (``EditConflict``).
    """
    errors: dict[str, list[str]] = {}
    if verifier.id == action.owner_id:
        errors["verdict"] = [_("The owner cannot verify their own action: ask someone else.")]
    elif not can_verify(verifier, action):
        errors["verdict"] = [_("Only a quality lead, manager, operations lead or supervisor verifies.")]
    if today <= action.window_end:
        errors.setdefault("verdict", []).append(
            _(
                "The test window runs until %(date)s; verify after it ends.",
                date=format_date(action.window_end, "dd MMM yyyy"),
            )
        )
    if verdict not in VERDICTS:
        errors.setdefault("verdict", []).append(_("Choose a verdict."))
    if verdict == "extend" and (new_window_end is None or new_window_end <= action.window_end):
        errors["new_window_end"] = [_("Give a new end date after the current one.")]
    if len(note) > 4000:
        errors["note"] = [_("Keep the note under 4000 characters.")]
    comparison = comparison_for(action, tz, today)
    process = process_comparison(action, today)
    unshown = not comparison.clear_reduction or (process is not None and not process.improvement_shown)
    if verdict == "effective" and unshown and len(reason.strip()) < MIN_REASON:
        errors["reason"] = [unshown_effect_message(comparison, process)]
    if errors:
        raise ActionInvalid(errors)
    check_version(action, based_on)
    verification = Verification(
        action=action,
        window_start=action.window_start,
        window_end=action.window_end,
        before_count=comparison.before_count,
        before_days=comparison.before_days,
        after_count=comparison.after_count,
        after_days=comparison.after_days,
        rate_ratio=comparison.rate_ratio,
        ci_low=comparison.ci_low,
        ci_high=comparison.ci_high,
        target_met=comparison.target_met(action.target_reduction_percent),
        verdict=verdict,
        note=note.strip(),
        reason=reason.strip()[:4000] if verdict == "effective" and unshown else None,
        process=process_record(action, process) if process is not None else None,
        verifier_id=verifier.id,
        decided_at=now_utc(),
    )
    db.session.add(verification)
    settle(f"/actions/{action.id}", kinds=("action_verify",), outcome="verified", now=verification.decided_at)
    before = {"status": action.status, "window_end": str(action.window_end)}
    if verdict == "effective":
        action.status = "effective"
        interval = timedelta(days=get_setting("spot_check_interval_days"))
        db.session.add(SpotCheck(action=action, due_date=today + interval))
    elif verdict == "not_effective":
        action.status = "not_effective"
    else:
        action.window_end = new_window_end
        action.ready_notified_at = None
    db.session.flush()
    record_event(
        "action.verify",
        actor=verifier,
        object_type="action",
        object_id=action.id,
        before=before,
        after={
            "status": action.status,
            "verdict": verdict,
            "rate_ratio": verification.rate_ratio,
            "reason": verification.reason,
            "process_shown": process.improvement_shown if process is not None else None,
            "window_end": str(action.window_end),
        },
    )
    return verification


def record_spot_check(check: SpotCheck, actor, *, passed: bool | None, note: str, today: date) -> None:
    """A "still in place" check. Passing schedules the next; failing reopens the action."""
    if passed is None:
        raise ActionInvalid({"passed": [_("Say whether the control is still in place.")]})
    if len(note.strip()) < 3:
        raise ActionInvalid({"note": [_("Say what you checked.")]})
    check.done_at = now_utc()
    check.done_by_id = actor.id
    check.passed = passed
    check.note = note.strip()[:2000]
    action = check.action
    settle(f"/actions/{action.id}", kinds=("spot_check_due",), outcome="spot-checked", now=check.done_at)
    if passed:
        interval = timedelta(days=get_setting("spot_check_interval_days"))
        db.session.add(SpotCheck(action=action, due_date=today + interval))
    else:
        action.status = "open"
        action.reopened_at = now_utc()
        action.completed_at = None
    db.session.flush()
    record_event(
        "action.spot_check",
        actor=actor,
        object_type="action",
        object_id=action.id,
        after={"passed": passed, "status": action.status},
    )


def notify_due(today: date) -> int:
    """Tell owners and the quality lead about actions due soon or overdue, spot checks due, and
    test windows that have ended and wait for a verdict. Each fact is told once."""
    leads = users_with_role(Role.QUALITY_LEAD)
    soon = today + timedelta(days=get_setting("action_due_soon_days"))
    told = 0
    now = now_utc()
    open_actions = db.session.scalars(select(Action).where(Action.status == "open"))
    for action in open_actions:
        link = f"/actions/{action.id}"
        if action.due_date < today and action.overdue_notified_at is None:
            notify(
                [action.owner, *leads],
                kind="action_overdue",
                link=link,
                title=lazy(
                    lambda action=action: _(
                        "Action A-%(id)s is overdue (due %(due)s)",
                        id=action.id,
                        due=local_datetime(action.due_date, "%d %b"),
                    )
                ),
            )
            action.overdue_notified_at = now
            told += 1
        elif today <= action.due_date <= soon and action.due_soon_notified_at is None:
            notify(
                [action.owner, *leads],
                kind="action_due_soon",
                link=link,
                title=lazy(
                    lambda action=action: _(
                        "Action A-%(id)s is due %(due)s",
                        id=action.id,
                        due=local_datetime(action.due_date, "%d %b"),
                    )
                ),
            )
            action.due_soon_notified_at = now
            told += 1
    waiting = db.session.scalars(
        select(Action).where(
            Action.status == "done", Action.window_end < today, Action.ready_notified_at.is_(None)
        )
    )
    for action in waiting:
        notify(
            leads,
            kind="action_verify",
            link=f"/actions/{action.id}",
            title=_l("Action A-%(id)s: its test window has ended - verify it", id=action.id),
        )
        action.ready_notified_at = now
        told += 1
    checks = db.session.scalars(
        select(SpotCheck).where(
            SpotCheck.done_at.is_(None), SpotCheck.due_date <= soon, SpotCheck.notified_at.is_(None)
        )
    )
    for check in checks:
        notify(
            [check.action.owner, *leads],
            kind="spot_check_due",
            link=f"/actions/{check.action_id}",
            title=lazy(
                lambda check=check: _(
                    "Spot check of action A-%(id)s due %(due)s",
                    id=check.action_id,
                    due=local_datetime(check.due_date, "%d %b"),
                )
            ),
        )
        check.notified_at = now
        told += 1
    db.session.flush()
    return told


def on_report_triaged(report: Report, *, actor, **_) -> None:
    """Subscriber to triage's ``report_triaged``: a report linked to an action before it was triaged
    becomes "action planned" now (an incident handed off stays where triage put it)."""
    if report.actions and report.status in (
        ReportStatus.TRIAGED.value,
        ReportStatus.IN_REVIEW.value,
        ReportStatus.REVIEWED.value,
    ):
        advance_status(
            report,
            ReportStatus.ACTION_PLANNED,
            actor=actor,
            event="action.link",
            link={"action_id": report.actions[-1].id, "after_triage": True},
        )
