"""Build the demo organisation of SPEC §5: regions, programs, a user of every role, a year of reports.

Reports go through ``submit_report``, so demo data passes the same validation and audit trail as real
data. A fixed seed makes every load the same relative to today.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.auth.models import User
from app.auth.operations import create_user
from app.core.audit.operations import record_event
from app.core.models import now_utc
from app.core.roles import Role
from app.demo.scenarios import CATEGORY_WEIGHTS, SCENARIOS
from app.extensions import db
from app.reports.operations import SubmissionSettings, submit_report
from app.reports.validation import ReportPayload
from app.taxonomy.defaults import ensure_default_categories
from app.taxonomy.models import Program, Region

REGION_NAMES = ("North County", "Riverside", "Eastgate")
DEMO_DOMAIN = "demo.test"


@dataclass(frozen=True)
class Cluster:
    """A burst of similar reports planted so trend and cluster features have something to find."""

    region: str
    category: str
    weeks_ago: int
    extra_reports: int


CLUSTERS = (
    Cluster("Riverside", "medication", weeks_ago=26, extra_reports=9),
    Cluster("North County", "scheduling_rota", weeks_ago=5, extra_reports=8),
    Cluster("Eastgate", "skin_integrity", weeks_ago=2, extra_reports=6),
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
    regions = {name: Region(name=name) for name in REGION_NAMES}
    db.session.add_all(regions.values())
    db.session.flush()
    programs = [
        Program(name="Supported living"),
        Program(name="Home care"),
        Program(name="Day services"),
        Program(name="Short breaks (respite)", region_id=regions["Riverside"].id),
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
            password=password,
            roles=roles,
            regions=[regions[r] for r in region_names],
        )
        for local, name, roles, region_names in DEMO_USERS
    ]
    reporters_by_region = {
        name: [u for u in users if u.roles == {Role.DSP} and u.regions[0].name == name]
        + [
            u
            for u in users
            if u.has_role(Role.SUPERVISOR, Role.NURSE) and name in {r.name for r in u.regions}
        ]
        for name in REGION_NAMES
    }
    count = 0
    for event_time, region_name, category_code in _planned_reports(rng, now, weeks):
        reporter = rng.choice(reporters_by_region[region_name])
        region = regions[region_name]
        payload = _payload(rng, region, category_code, event_time, programs)
        received = min(payload.captured_at + timedelta(minutes=rng.randint(0, 180)), now)
        submit_report(reporter, payload, settings, now=received)
        count += 1
    return users, count


def _planned_reports(rng: random.Random, now: datetime, weeks: int):
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
                for _ in range(cluster.extra_reports // 2):
                    planned.append((_time_in_week(rng, week_start), cluster.region, cluster.category))
    planned = [p for p in planned if p[0] < now - timedelta(minutes=5)]
    planned.sort(key=lambda p: p[0])
    return planned


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
