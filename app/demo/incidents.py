"""The demo's incidents: a handful of near misses turn out to have reached the person and are recorded
as incidents after triage (found among reports already triaged or reviewed: the review is where it came
out that the dose had been given after all), each with its critical-incident category; most are linked
to an earlier near miss of the same theme that warned of it. So the dashboard's and the pack's "near
misses and incidents" figures, the report pages' links and the oversight export have something true to
show. One theme has enough incidents to be shown unsuppressed in the pack."""

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from app.auth.models import User
from app.escalations.operations import complete_external_duty
from app.extensions import db
from app.incidents.defaults import ensure_default_incident_categories
from app.incidents.models import IncidentCategory
from app.incidents.operations import link_warning, reclassify_as_incident
from app.reports.models import Report, ReportStatus
from app.taxonomy.models import Category, Region
from app.taxonomy.vocabulary import EventClass

INCIDENT_THEMES = (
    # region, report category, critical-incident category, incidents, of which with a warning, how
    (
        "Riverside",
        "medication",
        "medication_error",
        6,
        4,
        "The discrepancy was missed on a later round: the dose was given and the person needed urgent care.",
    ),
    (
        "North County",
        "falls_mobility",
        "serious_injury",
        3,
        2,
        "The transfer went ahead with the same sling and the person fell; hospital checked for a fracture.",
    ),
    (
        "Eastgate",
        "safeguarding_rights",
        "exploitation",
        2,
        1,
        "The visitor came back and money was taken; the bank confirmed the withdrawal.",
    ),
)
WARNING_WINDOW = timedelta(days=60)


def record_demo_incidents(rng: random.Random, now: datetime, *, tz, actor_email: str) -> int:
    """Reclassify the planned incidents (the quality lead records them a few days after triage), link
    their warnings, and mark their external reports as sent; returns how many incidents."""
    ensure_default_incident_categories()
    quality = db.session.scalar(select(User).where(User.email == actor_email))
    cutoff = now - timedelta(days=10)
    made = 0
    for region_name, category_code, incident_code, count, warned, how in INCIDENT_THEMES:
        region_id = db.session.scalar(select(Region.id).where(Region.name == region_name))
        category_id = db.session.scalar(select(Category.id).where(Category.code == category_code))
        incident_category = db.session.scalar(
            select(IncidentCategory).where(IncidentCategory.code == incident_code)
        )
        theme = db.session.scalars(
            select(Report)
            .where(
                Report.region_id == region_id,
                Report.category_id == category_id,
                Report.status.in_((ReportStatus.TRIAGED.value, ReportStatus.REVIEWED.value)),
                Report.event_class == EventClass.NEAR_MISS.value,
                Report.received_at < cutoff,
            )
            .order_by(Report.occurred_at, Report.id)
        ).all()
        # Incidents from the later part of the year, so earlier near misses can have warned of them.
        chosen = sorted(
            rng.sample(theme[len(theme) // 3 :], min(count, len(theme) - len(theme) // 3)),
            key=lambda r: r.occurred_at,
        )
        for index, incident in enumerate(chosen):
            when = min(
                incident.triage.triaged_at + timedelta(days=rng.randint(1, 5)), now - timedelta(hours=2)
            )
            reclassify_as_incident(
                incident, quality, category_id=incident_category.id, reason=how, tz=tz, now=when
            )
            for duty in incident.external_duties:
                complete_external_duty(
                    duty,
                    quality,
                    reference=f"CI-{rng.randint(10000, 99999)}",
                    done_at=min(when + timedelta(hours=rng.randint(2, 20)), now - timedelta(hours=1)),
                )
            made += 1
            if index >= warned:
                continue
            earlier = [
                r
                for r in theme
                if r not in chosen
                and r.event_class != EventClass.INCIDENT.value
                and incident.occurred_at - WARNING_WINDOW <= r.occurred_at < incident.occurred_at
            ]
            for warning in rng.sample(earlier, min(len(earlier), rng.choice((1, 2)))):
                link_warning(warning, incident, quality, now=when)
    return made
