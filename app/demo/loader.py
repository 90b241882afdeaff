"""Build the demo organisation of SPEC §5: regions, programs, a user of every role, a year of reports.

Reports go through ``submit_report``, so demo data passes the same validation and audit trail as real
data. A fixed seed makes every load the same relative to today.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from app.actions.measure import MeasureFilter
from app.actions.operations import ActionInput, mark_done, save_action, verify
from app.anonymous.operations import open_link, submit_anonymous_report
from app.auth.models import User
from app.auth.operations import create_user
from app.auth.queries import users_with_role
from app.core.audit.operations import record_event
from app.core.dates import monday
from app.core.jurisdiction import set_jurisdiction
from app.core.models import now_utc
from app.core.roles import Role
from app.core.settings import get_setting
from app.dashboard.exposure_csv import ExposureRow
from app.dashboard.models import Cluster as DetectedCluster
from app.dashboard.operations import detect_clusters, handle_cluster, import_exposure
from app.demo.competency import record_demo_competency
from app.demo.incidents import record_demo_incidents
from app.demo.process_measures import add_process_measure
from app.demo.reviews import hold_reviews_due_by, read_what_only_informed, see_nurse_reviews_before
from app.demo.scenarios import CATEGORY_WEIGHTS, SCENARIOS
from app.escalations.models import ExternalBody, SafeguardingCase, StopTheLineAlert
from app.escalations.on_call import ShiftInput, add_shift
from app.escalations.operations import (
    complete_external_duty,
    decide_safeguarding,
    ensure_default_external_bodies,
    record_safeguards,
)
from app.extensions import db
from app.feedback.operations import FeedbackInput, publish
from app.notifications.models import Notification
from app.reports.models import Report
from app.reports.operations import SubmissionSettings, submit_report
from app.reports.validation import ReportPayload
from app.reviews.models import Review
from app.reviews.operations import ReviewInput, save_review
from app.taxonomy.defaults import ensure_default_categories
from app.taxonomy.models import Category, Program, Region
from app.triage.matrix import propose_review_level
from app.triage.operations import TriageAnswers, current_matrix, recurrence_for, triage_report

REGION_NAMES = ("North County", "Riverside", "Eastgate")
DEMO_STATE = "NY"
DEMO_DOMAIN = "demo.test"


@dataclass(frozen=True)
class Cluster:
    """A burst of similar reports planted so trend and cluster features have something to find."""

    region: str
    category: str
    weeks_ago: int
    extra_reports: int


CLUSTERS = (
    Cluster("Riverside", "medication", weeks_ago=26, extra_reports=12),
    Cluster("North County", "scheduling_rota", weeks_ago=5, extra_reports=8),
    Cluster("Eastgate", "skin_integrity", weeks_ago=2, extra_reports=8),
)

# (local part, display name, roles, regions by name; empty means none)
DEMO_USERS = (
    ("dsp", "Dana Price", [Role.DSP], ["North County"]),
    ("dsp2", "Sam Okafor", [Role.DSP], ["Riverside"]),
    ("dsp3", "Lee Park", [Role.DSP], ["Eastgate"]),
    ("dsp4", "Maria Lopez", [Role.DSP], ["North County"]),
    ("dsp5", "Tom Reilly", [Role.DSP], ["Riverside"]),
    ("dsp6", "Ayesha Khan", [Role.DSP], ["Eastgate"]),
    ("supervisor", "Chris Walker", [Role.SUPERVISOR], ["North County"]),
    ("supervisor2", "Jo Bennett", [Role.SUPERVISOR], ["Riverside", "Eastgate"]),
    ("nurse", "Nina Adams", [Role.NURSE], list(REGION_NAMES)),
    ("scheduler", "Pat Morgan", [Role.SCHEDULER], list(REGION_NAMES)),
    ("operations", "Robin Shah", [Role.OPERATIONS_LEAD], list(REGION_NAMES)),
    ("quality", "Quinn Taylor", [Role.QUALITY_LEAD], list(REGION_NAMES)),
    ("safeguarding", "Sasha Green", [Role.SAFEGUARDING_LEAD], list(REGION_NAMES)),
    ("trainer", "Terry Cole", [Role.TRAINER], list(REGION_NAMES)),
    ("manager", "Morgan Ellis", [Role.MANAGER], list(REGION_NAMES)),
    ("admin", "Alex Admin", [Role.ADMIN], list(REGION_NAMES)),
)


def demo_already_loaded() -> bool:
    return db.session.scalar(select(User).where(User.email == f"admin@{DEMO_DOMAIN}")) is not None


def load_demo(password: str, settings: SubmissionSettings, *, seed: int = 2026, weeks: int = 52):
    """Create the demo organisation and ``weeks`` of reports; returns (users, reports) created."""
    now = now_utc()
    rng = random.Random(seed)
    ensure_default_categories()
    # An American organisation (SPEC §5: America/New_York): New York's bodies, 911, no UK words.
    set_jurisdiction("us", DEMO_STATE, actor=None)
    ensure_default_external_bodies(retire_others=True)
    # Skin concerns are clinical here: each asks the region's nurses for a same-day review.
    db.session.scalar(select(Category).where(Category.code == "skin_integrity")).is_clinical = True
    regions = {name: Region(name=name) for name in REGION_NAMES}
    db.session.add_all(regions.values())
    db.session.flush()
    programs = [
        Program(name="Supported living"),
        Program(name="Home care"),
        Program(name="Day services"),
        Program(name="Respite care", region_id=regions["Riverside"].id),
    ]
    db.session.add_all(programs)
    db.session.flush()
    record_event(
        "demo.load",
        object_type="organisation",
        after={"regions": sorted(REGION_NAMES), "programs": len(programs)},
    )
    users = [
        create_user(
            email=f"{local}@{DEMO_DOMAIN}",
            name=name,
            password=password if index == 0 else None,
            roles=roles,
            regions=[regions[r] for r in region_names],
        )
        for index, (local, name, roles, region_names) in enumerate(DEMO_USERS)
    ]
    # Every demo account has the same password: hashing it once saves a second of Argon2 per account.
    for user in users[1:]:
        user.password_hash = users[0].password_hash
    # The staff worked here through the whole history the demo writes (a pack of a past period counts
    # the staff of its end).
    for user in users:
        user.created_at = now - timedelta(weeks=weeks + 1)
    reporters_by_region = {
        name: [u for u in users if u.is_dsp_only and u.regions[0].name == name]
        + [
            u
            for u in users
            if u.has_role(Role.SUPERVISOR, Role.NURSE) and name in {r.name for r in u.regions}
        ]
        for name in REGION_NAMES
    }
    count = 0
    for event_time, region_name, category_code in _planned_reports(rng, now, weeks, settings.tz):
        reporter = rng.choice(reporters_by_region[region_name])
        region = regions[region_name]
        payload = _payload(rng, region, category_code, event_time, programs)
        received = min(payload.captured_at + timedelta(minutes=rng.randint(0, 180)), now)
        _map_pathways_due_by(received)
        submit_report(reporter, payload, settings, now=received)
        count += 1
    _visits_and_clusters(rng, now, regions, tz=settings.tz, weeks=weeks)
    _work_the_queue(rng, now, tz=settings.tz)
    _dismiss_old_clusters(now, tz=settings.tz)
    _improvement_loop(now, tz=settings.tz)
    record_demo_incidents(random.Random(seed + 20), now, tz=settings.tz, actor_email=f"quality@{DEMO_DOMAIN}")
    _on_call_rota(now, regions, tz=settings.tz)
    _public_link(programs[0], regions[min(REGION_NAMES)], users, now, settings)
    trainer = next(u for u in users if u.has_role(Role.TRAINER))
    record_demo_competency(random.Random(seed + 30), trainer, now, today=now.astimezone(settings.tz).date())
    read_what_only_informed()
    return users, count


ANONYMOUS_REPORTS = [
    (
        "equipment_environment",
        "The grab rail in the bathroom moved when Mom held it",
        "I held her arm until she sat down",
        30,
    ),
    (
        "medication",
        "The evening pills in the box were not the ones on the list",
        "I checked the list first",
        6,
    ),
]


def _public_link(
    program: Program, region: Region, users, now: datetime, settings: SubmissionSettings
) -> None:
    """A public reporting link for one program, with two reports families sent through it (their
    receipt codes were shown once, and are not kept)."""
    admin = next(u for u in users if u.email == f"admin@{DEMO_DOMAIN}")
    link = open_link(program, actor=admin, now=now - timedelta(days=40))
    for category, what, caught, hours_ago in ANONYMOUS_REPORTS:
        sent = now - timedelta(hours=hours_ago)
        raw = {
            "client_uuid": str(uuid.UUID(int=hours_ago)),
            "what_happened": what,
            "barrier": caught,
            "category": category,
            "occurred_at": (sent - timedelta(hours=1)).isoformat(),
            "region_id": region.id,
            "still_at_risk": False,
        }
        submit_anonymous_report(link, raw, settings, now=sent)


def _map_pathways_due_by(moment: datetime) -> None:
    """The operations lead maps each interface failure's pathway on the day before it is due (the demo
    runs in time order, so a later failure of the same interface opens a new map)."""
    due = db.session.scalars(
        select(Review).where(
            Review.kind == "pathway_map",
            Review.status != "completed",
            Review.due_date <= moment.date() + timedelta(days=1),
        )
    )
    for review in due:
        owner = review.owner
        save_review(
            owner,
            ReviewInput(
                kind="pathway_map",
                title=review.title,
                reports=list(review.reports),
                held_on=review.due_date - timedelta(days=1),
                duration_minutes=45,
                participants=[
                    {"role": "Operations lead", "name": owner.name},
                    {"role": "Scheduler", "name": ""},
                ],
                findings="The change reached the office but not the person doing the next visit.",
                pathway_steps=[
                    {"what": "Change agreed", "where": "Office", "confirmation": "Logged", "broke": False},
                    {
                        "what": "Change passed on",
                        "where": "Scheduling app",
                        "confirmation": "None",
                        "broke": True,
                    },
                    {"what": "Visit done", "where": "Home", "confirmation": "Visit note", "broke": False},
                ],
                complete=True,
            ),
            review,
            today=review.due_date - timedelta(days=1),
        )
        review.completed_at = datetime.combine(
            review.due_date - timedelta(days=1), datetime.min.time(), tzinfo=UTC
        ) + timedelta(hours=20)


def _on_call_rota(now: datetime, regions: dict, *, tz) -> None:
    """Twelve-hour on-call shifts (08:00 and 20:00 local) for each region over the coming week, held by
    the region's supervisor; numbers from the 555-01xx range kept for fiction."""
    admin = db.session.scalar(select(User).where(User.email == f"admin@{DEMO_DOMAIN}"))
    today = now.astimezone(tz).date()
    first = datetime.combine(today - timedelta(days=1), datetime.min.time(), tzinfo=tz) + timedelta(hours=20)
    for number, name in enumerate(REGION_NAMES):
        region = regions[name]
        supervisor = next(u for u in users_with_role(Role.SUPERVISOR, region_id=region.id))
        for half_day in range(16):
            starts = first + timedelta(hours=12 * half_day)
            add_shift(
                admin,
                ShiftInput(
                    region.id,
                    supervisor.id,
                    f"+1 555 0100 {10 + number}",
                    starts,
                    starts + timedelta(hours=12),
                ),
            )


def _visits_and_clusters(rng: random.Random, now: datetime, regions: dict, *, tz, weeks: int) -> None:
    """Weekly visit figures (the denominator for rates) and cluster detection over every week that
    has a full baseline of demo weeks before it, run before the queue is triaged: the weekly job
    would have found the planted clusters by then, so their reports are proposed *cluster*."""
    this_monday = monday(now.astimezone(tz).date())
    base_visits = {"North County": 1100, "Riverside": 1400, "Eastgate": 800}
    rows = [
        ExposureRow(
            regions[name].id,
            this_monday - timedelta(weeks=w),
            int(rng.gauss(base_visits[name], base_visits[name] * 0.05)),
            None,
        )
        for name in REGION_NAMES
        for w in range(1, weeks + 1)
    ]
    import_exposure(rows, actor=None)
    quality = db.session.scalar(select(User).where(User.email == f"quality@{DEMO_DOMAIN}"))
    reviewed_before = this_monday - timedelta(weeks=4)
    for weeks_back in range(weeks - int(get_setting("cluster_baseline_weeks")) - 1, 0, -1):
        week = this_monday - timedelta(weeks=weeks_back)
        for cluster in detect_clusters(week, tz=tz):
            if week < reviewed_before and not _planted(cluster, now, tz):
                handle_cluster(cluster, quality, action="dismiss", reason=USUAL_VARIATION)


USUAL_VARIATION = "Looked at in the weekly review: within the usual variation."


def _planted(detected: DetectedCluster, now: datetime, tz) -> bool:
    """Whether a detected cluster is one of the planted bursts: its region and category, found in
    the burst's weeks or the four weeks after (the local rule looks back 28 days)."""
    for cluster in CLUSTERS:
        first, last = planted_weeks(cluster, now, tz)
        if (
            detected.region is not None
            and detected.category is not None
            and (detected.region.name, detected.category.code) == (cluster.region, cluster.category)
            and first <= detected.week_start <= last + timedelta(weeks=4)
        ):
            return True
    return False


def _dismiss_old_clusters(now: datetime, *, tz) -> None:
    """Once the queue is triaged, the planted clusters of more than four weeks ago are closed: each
    was looked at in its barrier review (``LOOPS``). The recent ones stay open for the quality lead."""
    quality = db.session.scalar(select(User).where(User.email == f"quality@{DEMO_DOMAIN}"))
    reviewed_before = monday(now.astimezone(tz).date()) - timedelta(weeks=4)
    old = select(DetectedCluster).where(
        DetectedCluster.status == "new", DetectedCluster.week_start < reviewed_before
    )
    for cluster in db.session.scalars(old.order_by(DetectedCluster.id)).all():
        handle_cluster(
            cluster,
            quality,
            action="dismiss",
            reason="Looked at in the barrier review of this theme; the action that followed answers it.",
        )


LOOPS = (
    # (cluster, review title, root pattern, action title, change, strength, verdict or None)
    (
        CLUSTERS[0],
        "Riverside medication cluster",
        "Pharmacy deliveries were accepted without checking the name on the bag; nobody owned the check.",
        "Name check on every pharmacy delivery",
        "Deliveries are checked against the MAR at the door and signed for by name.",
        "strong",
        "effective",
    ),
    (
        CLUSTERS[1],
        "North County wrong-address visits",
        "Address changes in the client record did not reach the schedule: no step tells the scheduler.",
        "Schedule refresh when a client record changes",
        "A change of address in the client record now opens a schedule task for the scheduler.",
        "strong",
        None,
    ),
    (CLUSTERS[2], "Eastgate skin changes not handed over", "", "", "", "", None),
)


def _improvement_loop(now: datetime, *, tz) -> None:
    """Reviews of the planted clusters, actions with measures, a verdict, and feedback to reporters."""
    quality = db.session.scalar(select(User).where(User.email == f"quality@{DEMO_DOMAIN}"))
    scheduler = db.session.scalar(select(User).where(User.email == f"scheduler@{DEMO_DOMAIN}"))
    manager = db.session.scalar(select(User).where(User.email == f"manager@{DEMO_DOMAIN}"))
    today = now.astimezone(tz).date()
    for cluster, review_title, pattern, action_title, change, strength, verdict in LOOPS:
        region = db.session.scalar(select(Region).where(Region.name == cluster.region))
        category = db.session.scalar(select(Category).where(Category.code == cluster.category))
        since = now - timedelta(weeks=cluster.weeks_ago + 1)
        reports = list(
            db.session.scalars(
                select(Report)
                .where(
                    Report.region_id == region.id,
                    Report.category_id == category.id,
                    Report.occurred_at >= since,
                    Report.occurred_at < since + timedelta(weeks=2),
                )
                .limit(12)
            )
        )
        if not reports:
            continue  # a short demo (--weeks) does not reach back to this cluster
        held = (since + timedelta(weeks=2, days=2)).astimezone(tz).date()
        review = save_review(
            quality,
            ReviewInput(
                kind="barrier_review",
                title=review_title,
                reports=reports,
                held_on=held if pattern else None,
                duration_minutes=30 if pattern else None,
                participants=[
                    {"role": "Quality lead", "name": quality.name},
                    {"role": "Supervisor", "name": ""},
                    {"role": "DSP", "name": ""},
                ]
                if pattern
                else [],
                findings="Walked through the last reports with the people involved." if pattern else "",
                root_pattern=pattern,
                barriers_held="Staff checked before acting." if pattern else "",
                barriers_failed="No system step caught it before a person did." if pattern else "",
                complete=bool(pattern),
            ),
            today=held - timedelta(days=2),
        )
        if review.completed_at is not None:
            review.completed_at = datetime.combine(held, datetime.min.time(), tzinfo=tz) + timedelta(hours=15)
        if not action_title:
            continue
        start = held + timedelta(days=7)
        end = start + timedelta(weeks=4)
        action = save_action(
            quality,
            ActionInput(
                title=action_title,
                change=change,
                owner_id=scheduler.id,
                due_date=start,
                strength=strength,
                window_start=start,
                window_end=end,
                measure=MeasureFilter(category_ids=(category.id,), region_ids=(region.id,)),
                target_reduction_percent=50.0,
                report_ids=[r.id for r in reports],
                review_ids=[review.id],
            ),
            tz=tz,
            today=held,
        )
        add_process_measure(action, quality, defined_on=held, today=today)
        if start <= today:
            mark_done(action, scheduler)
            action.completed_at = datetime.combine(start - timedelta(days=1), datetime.min.time(), tzinfo=tz)
        if verdict and end < today:
            verify(
                action,
                manager,
                verdict=verdict,
                note="Reports fell after the change.",
                reason="Spot checks on visits found the new step in place every time.",
                tz=tz,
                today=end + timedelta(days=1),
            )
            publish(
                quality,
                FeedbackInput(
                    title=f"{action_title}: it worked",
                    what_changed=change,
                    why=f"{len(reports)} of you reported near misses like this in {cluster.region}. "
                    "The change was tested for four weeks and the reports fell.",
                    action_ids=[action.id],
                    report_ids=[r.id for r in reports],
                ),
                now=datetime.combine(end + timedelta(days=2), datetime.min.time(), tzinfo=tz)
                + timedelta(hours=10),
            )
        elif start <= today:
            publish(
                quality,
                FeedbackInput(
                    title=f"Trying now: {action_title.lower()}",
                    what_changed=change,
                    why=f"You reported visits that nearly went wrong in {cluster.region}. "
                    "We are testing a fix.",
                    action_ids=[action.id],
                    report_ids=[r.id for r in reports],
                ),
                now=datetime.combine(start, datetime.min.time(), tzinfo=tz) + timedelta(hours=9),
            )


SEVERITY_WEIGHTS = {
    "medication": (2, 5, 3),
    "skin_integrity": (2, 4, 4),
    "safeguarding_rights": (1, 3, 6),
    "falls_mobility": (3, 5, 2),
}
INVESTIGATIONS = {
    "none": "Log and learn: no further investigation.",
    "brief_structured_review": "Brief structured review with the team at the next huddle.",
    "barrier_review": "Barrier review of the cluster with the people involved (30 minutes).",
    "full_systems_review": "Full systems review: map the pathway across roles and systems.",
}


def _work_the_queue(rng: random.Random, now: datetime, *, tz) -> None:
    """Give the demo a year of supervision: alerts acknowledged, reports triaged, safeguarding
    decided, duties done - all but the last two days, which are left for someone to triage."""

    supervisors = {}
    for user in db.session.scalars(select(User)):
        if user.has_role(Role.SUPERVISOR):
            for region in user.regions:
                supervisors.setdefault(region.id, []).append(user)
    quality = db.session.scalar(select(User).where(User.email == f"quality@{DEMO_DOMAIN}"))
    safeguarding = db.session.scalar(select(User).where(User.email == f"safeguarding@{DEMO_DOMAIN}"))
    bodies = {b.code: b for b in db.session.scalars(select(ExternalBody))}
    cutoff = now - timedelta(days=2)
    matrix = current_matrix().cells

    for alert in db.session.scalars(select(StopTheLineAlert)):
        if alert.raised_at > now - timedelta(hours=3):
            continue  # left open: something for the supervisor to act on
        supervisor = rng.choice(supervisors[alert.region_id])
        minutes = rng.choice([3, 5, 6, 8, 10, 12, 14, 18, 25])
        record_safeguards(
            alert,
            supervisor,
            rng.choice(
                [
                    "Repositioned, heel off-loaded; same-day nurse review booked.",
                    "Equipment taken out of use and replaced; family told.",
                    "Visitor asked to leave; person safe with staff; safeguarding lead informed.",
                    "Second worker sent; transfer done safely.",
                ]
            ),
            now=alert.raised_at + timedelta(minutes=minutes),
        )

    reports = db.session.scalars(
        select(Report).where(Report.received_at < cutoff).order_by(Report.received_at)
    ).all()
    for report in reports:
        code = report.category.code
        severity = rng.choices(("low", "medium", "high"), SEVERITY_WEIGHTS.get(code, (4, 5, 1)))[0]
        proposal = recurrence_for(report)
        recurrence = proposal.recurrence.value
        proposed = propose_review_level(matrix, severity, recurrence).value
        override = rng.random() < 0.04 and severity != "high" and recurrence != "cluster"
        level = "brief_structured_review" if override and proposed == "none" else proposed
        triggers = ["financial_exploitation"] if code == "safeguarding_rights" and rng.random() < 0.4 else []
        duties = [bodies["adult_protective_services"].id] if triggers and rng.random() < 0.5 else []
        triager = quality if rng.random() < 0.1 else rng.choice(supervisors[report.region_id])
        hold_reviews_due_by(report.received_at, tz)
        triage_report(
            report,
            triager,
            TriageAnswers(
                still_at_risk_now=False,
                severity=severity,
                recurrence=recurrence,
                minimum_investigation=INVESTIGATIONS[level],
                event_class=report.event_class,
                review_level=level,
                override_reason="Family raised the same worry last month; a brief review is worth it."
                if level != proposed
                else "",
                interface_flag=bool(report.interface_tag),
                interface_type=report.interface_tag or "",
                safeguarding_triggers=triggers,
                external_body_ids=duties,
            ),
            tz=tz,
            now=report.received_at + timedelta(hours=rng.choice([1, 2, 3, 5, 8, 20, 30])),
            proposal=proposal,
        )
        for duty in report.external_duties:
            complete_external_duty(
                duty,
                triager,
                reference=f"APS-{rng.randint(10000, 99999)}",
                done_at=duty.due_at - timedelta(hours=rng.randint(1, 20)),
            )

    hold_reviews_due_by(now, tz)
    nurse = db.session.scalar(select(User).where(User.email == f"nurse@{DEMO_DOMAIN}"))
    see_nurse_reviews_before(cutoff, nurse, rng)

    aps = db.session.scalar(select(ExternalBody).where(ExternalBody.code == "adult_protective_services"))
    for case in db.session.scalars(select(SafeguardingCase).where(SafeguardingCase.routed_at < cutoff)):
        decision = rng.choice(["raise_concern", "monitor", "no_further_action", "refer_external"])
        decided = case.routed_at + timedelta(hours=rng.choice([2, 4, 8, 20, 30]))
        decide_safeguarding(
            case,
            safeguarding,
            decision=decision,
            rationale="Reviewed the report and spoke with the supervisor and the person.",
            persons_views="The person wants to keep seeing the staff they know.",
            external_body_id=aps.id,
            now=decided,
        )
        for duty in case.report.external_duties:
            if duty.done_at is None:
                complete_external_duty(
                    duty,
                    safeguarding,
                    reference=f"APS-{rng.randint(10000, 99999)}",
                    done_at=decided + timedelta(hours=3),
                )
    db.session.execute(
        Notification.__table__.update()
        .where(Notification.created_at < now - timedelta(days=1))
        .values(read_at=now)
    )
    db.session.flush()


def planted_weeks(cluster: Cluster, now: datetime, tz) -> tuple[date, date]:
    """The two calendar weeks (their Mondays, in the organisation's zone) that hold a planted
    cluster's extra reports: ``weeks_ago`` weeks before this one, and the week after. Whole calendar
    weeks, so the weekly detector sees the burst in the weeks it tests, not split across three."""
    first = monday(now.astimezone(tz).date()) - timedelta(weeks=cluster.weeks_ago)
    return first, first + timedelta(weeks=1)


def _planned_reports(rng: random.Random, now: datetime, weeks: int, tz):
    """(time, region, category) for every demo report, oldest first.

    Reporting grows slowly over the year (a healthy reporting culture), with planted clusters.
    """
    codes = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())
    planned = []
    for week in range(weeks, 0, -1):
        week_start = now - timedelta(weeks=week)
        growth = 1 + (weeks - week) / weeks * 0.4
        for region_index, region_name in enumerate(REGION_NAMES):
            base = (7, 9, 5)[region_index] * growth
            for _ in range(max(0, round(rng.gauss(base, 2)))):
                planned.append((_time_in_week(rng, week_start), region_name, rng.choices(codes, weights)[0]))
        for cluster in CLUSTERS:
            if cluster.weeks_ago in (week, week + 1):
                burst_week = planted_weeks(cluster, now, tz)[cluster.weeks_ago - week]
                for _ in range(cluster.extra_reports // 2):
                    moment = _time_in_local_week(rng, burst_week, tz)
                    planned.append((moment, cluster.region, cluster.category))
    # The pharmacy delivery check (see LOOPS) worked: those reports fall after it starts.
    fixed = CLUSTERS[0]
    fixed_from = now - timedelta(weeks=fixed.weeks_ago - 3)
    planned = [
        p
        for p in planned
        if not (
            p[1] == fixed.region and p[2] == fixed.category and p[0] >= fixed_from and rng.random() < 0.75
        )
    ]
    planned = [p for p in planned if p[0] < now - timedelta(minutes=5)]
    planned.sort(key=lambda p: p[0])
    return planned


def _time_in_local_week(rng: random.Random, week_monday: date, tz) -> datetime:
    """A visit time (07:00 to 22:00 local) on one of the days of the week starting ``week_monday``."""
    day = datetime.combine(week_monday + timedelta(days=rng.randrange(7)), time(), tzinfo=tz)
    return (day + timedelta(minutes=rng.randrange(7 * 60, 22 * 60))).astimezone(UTC)


def _time_in_week(rng: random.Random, week_start: datetime) -> datetime:
    """Visits run 07:00 to 22:00 local-ish; times are spread over the week's days."""
    day = rng.randrange(7)
    minute = rng.randrange(11 * 60, 27 * 60)  # UTC, roughly 06:00-22:00 on the US east coast
    return (week_start + timedelta(days=day, minutes=minute)).replace(second=0, microsecond=0)


def _payload(rng, region, category_code, event_time, programs) -> ReportPayload:
    what, barrier, action, interface, location = rng.choice(SCENARIOS[category_code])
    usable_programs = [p for p in programs if p.serves(region.id)]
    return ReportPayload(
        client_uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
        what_happened=what,
        category=category_code,
        occurred_at=event_time,
        occurred_at_approximate=rng.random() < 0.15,
        region_id=region.id,
        still_at_risk=category_code in ("skin_integrity", "safeguarding_rights") and rng.random() < 0.35,
        barrier=barrier,
        program_id=rng.choice(usable_programs).id if rng.random() < 0.8 else None,
        location=location,
        person_ref=f"{rng.choice('ABCDEFGHJKLMNPRSTW')}{rng.choice('ABCDEFGHJKLMNPRSTW')}-"
        f"{rng.randint(100, 999)}",
        immediate_action=action,
        interface_tag=interface,
        confidential=category_code == "safeguarding_rights" and rng.random() < 0.3,
        captured_at=min(event_time + timedelta(minutes=rng.randint(1, 30)), now_utc()),
    )
