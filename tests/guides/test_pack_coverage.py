"""The evidence pack's coverage of cue guides read and competency checks for its period (issue 20
point 3): counts per role and region, small counts suppressed, no names, the pack's regions only."""

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import render_template
from sqlalchemy import select

from app.auth.models import User
from app.core.dates import monday
from app.core.models import now_utc
from app.core.roles import Role
from app.dashboard.queries import Scope
from app.extensions import db
from app.guides.competency import record_check
from app.guides.reads import record_guide_read
from app.packs.builder import build_pack
from app.taxonomy.models import Region

TZ = ZoneInfo("America/New_York")


def test_the_pack_shows_coverage_for_its_period_and_regions_without_names(app, make, ctx, org_day):
    for n in range(6):
        make.user(f"dsp{n}@x.test", regions=["North"])
    make.user("nurse@x.test", roles=[Role.NURSE], regions=["South"])
    make.user("trainer@x.test", roles=[Role.TRAINER], regions=[])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    users = {u.email: u for u in db.session.scalars(select(User))}
    now = now_utc()
    first_week = monday(org_day) - timedelta(weeks=3)
    for n in range(6):
        if n < 5:
            body = {"client_uuid": str(uuid.uuid4()), "role": "dsp", "language": "en", "version": 0}
            record_guide_read(users[f"dsp{n}@x.test"], body, now=now)
        record_check(
            users[f"dsp{n}@x.test"],
            skill="recognises_deterioration",
            checked_on=first_week + timedelta(days=1),
            result="competent",
            note="",
            assessor=users["trainer@x.test"],
            today=org_day,
            now=now,
        )
    record_check(
        users["dsp0@x.test"],
        skill="handover_gaps",
        checked_on=first_week - timedelta(days=1),  # before the period: not counted
        result="not_yet",
        note="",
        assessor=users["trainer@x.test"],
        today=org_day,
        now=now,
    )
    db.session.commit()

    scope = Scope(first_week, monday(org_day), None)
    pack = build_pack(scope, users["quality@x.test"], tz=TZ, today=org_day, now=now, region_name="All")
    coverage = pack["coverage"]
    assert coverage["total"] == {
        "label": "All staff",
        "staff": "7",
        "confirmed": "5",
        "confirmed_share": "71%",
        "checked": "6",
        "checked_share": "86%",
        "competent": "6",
        "checks": "6",
    }
    by_role = {row["label"]: row for row in coverage["by_role"]}
    assert set(by_role) == {"Direct support professionals", "Nurses"}
    assert (by_role["Nurses"]["staff"], by_role["Nurses"]["confirmed_share"]) == ("<5", "—")
    assert {by_role["Nurses"][k] for k in ("confirmed", "checked", "competent", "checks")} == {"—"}, (
        "a row of a few people shows none of its counts, not even a 0"
    )
    assert by_role["Direct support professionals"]["confirmed_share"] == "83%"
    html = " ".join(render_template("pdf/pack.html", pack=pack, page_size="Letter").split())
    assert "Cue guides read and competency checks" in html
    assert "Dsp0" not in html and "Nurse@" not in html

    north = db.session.scalar(select(Region.id).where(Region.name == "North"))
    north_only = build_pack(
        Scope(first_week, monday(org_day), frozenset({north})),
        users["quality@x.test"],
        tz=TZ,
        today=org_day,
        now=now,
        region_name="North",
    )["coverage"]
    assert [row["label"] for row in north_only["by_region"]] == ["North"]
    assert north_only["total"]["staff"] == "6"
