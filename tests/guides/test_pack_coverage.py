"""The evidence pack's coverage of cue guides read and competency checks for its period (issue 20
point 3): counts per role and region, small counts suppressed, no names, the pack's regions only."""

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from flask import render_template
from sqlalchemy import select

from app.auth.models import User
from app.auth.operations import set_user_active
from app.core.dates import monday, short_date
from app.core.models import now_utc
from app.core.roles import Role
from app.dashboard.queries import Scope
from app.extensions import db
from app.guides.competency import record_check, staff_at, staff_in
from app.guides.coverage import coverage
from app.guides.defaults import DEFAULT_GUIDES
from app.guides.models import CueGuideVersion
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
    assert set(by_role["Direct support professionals"].values()) == {"Direct support professionals", "—"}, (
        "the nurses' row is the only one hidden: the DSPs' would give it away (7 staff - 6 DSPs)"
    )
    by_region = {row["label"]: row for row in coverage["by_region"]}
    assert (by_region["South"]["staff"], by_region["North"]["staff"]) == ("<5", "—")
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


def _published(role, language, number, *, created, published, current):
    version = CueGuideVersion(
        role=role,
        language=language,
        version=number,
        content=DEFAULT_GUIDES[role],
        created_at=created,
        published_at=published,
        published=current,
    )
    db.session.add(version)
    db.session.flush()


def test_read_the_current_guide_is_as_of_the_end_of_the_packs_period(app, make, ctx, org_day):
    for n in range(9):
        make.user(f"dsp{n}@x.test", regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    users = {u.email: u for u in db.session.scalars(select(User))}
    first_week = monday(org_day) - timedelta(weeks=8)
    last_week = monday(org_day) - timedelta(weeks=4)
    end = datetime.combine(last_week + timedelta(days=7), time(), tzinfo=TZ)
    for user in users.values():
        user.created_at = end - timedelta(days=90)  # staff through the period
    _published(
        "dsp", "en", 1, created=end - timedelta(days=21), published=end - timedelta(days=20), current=False
    )
    _published(
        "dsp", "es", 1, created=end - timedelta(days=11), published=end - timedelta(days=10), current=True
    )
    # Published the day after the period ended: the pack of that period must not ask for it.
    _published(
        "dsp", "en", 2, created=end + timedelta(days=1), published=end + timedelta(days=1), current=True
    )
    now = now_utc()

    def read(n, version, when, language="en"):
        body = {
            "client_uuid": str(uuid.uuid4()),
            "role": "dsp",
            "language": language,
            "version": version,
            "read_at": when.isoformat(),
        }
        record_guide_read(users[f"dsp{n}@x.test"], body, now=now)

    for n in range(4):
        read(n, 1, end - timedelta(days=2))
    read(4, 1, end - timedelta(days=3), language="es")  # Spanish was not behind English then
    read(5, 1, end + timedelta(hours=1))  # read after the period ended: not counted
    read(6, 2, end + timedelta(days=2))  # the version published after the period
    read(7, 2, end + timedelta(days=3))  # dsp8 read nothing
    db.session.commit()

    scope = Scope(first_week, last_week, None)
    pack = build_pack(scope, users["quality@x.test"], tz=TZ, today=org_day, now=now, region_name="All")
    total = pack["coverage"]["total"]
    assert (total["staff"], total["confirmed"], total["confirmed_share"]) == ("9", "5", "56%")
    assert pack["coverage"]["as_of"] == last_week + timedelta(days=6)
    assert pack["coverage"]["versions"].startswith("Direct support professionals: version 1; Supervisors: ")
    html = " ".join(render_template("pdf/pack.html", pack=pack, page_size="Letter").split())
    assert "printed when this pack was generated" not in html
    day = short_date(last_week + timedelta(days=6))
    assert f"by the end of the period, {day}, that they read the version" in html
    assert "(Direct support professionals: version 1;" in html

    now_page = coverage(None, first_week, last_week + timedelta(days=6))
    assert now_page.total.confirmed == 2, "the coverage page counts the guide printed now"


def test_a_lone_small_row_takes_the_next_smallest_with_it(app, make, ctx, org_day):
    for n in range(8):
        make.user(f"dsp{n}@x.test", regions=["North"])
    for n in range(2):
        make.user(f"nurse{n}@x.test", roles=[Role.NURSE], regions=["North"])
    for n in range(6):
        make.user(f"sched{n}@x.test", roles=[Role.SCHEDULER], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    quality = db.session.scalar(select(User).where(User.email == "quality@x.test"))
    scope = Scope(monday(org_day) - timedelta(weeks=3), monday(org_day), None)
    pack = build_pack(scope, quality, tz=TZ, today=org_day, now=now_utc(), region_name="All")
    by_role = {row["label"]: row for row in pack["coverage"]["by_role"]}
    staff = {label: row["staff"] for label, row in by_role.items()}
    assert staff == {"Direct support professionals": "8", "Nurses": "<5", "Schedulers": "—"}
    assert by_role["Schedulers"]["confirmed_share"] == "—", "a share would give its staff away"
    assert pack["coverage"]["total"]["staff"] == "16"
    assert [row["staff"] for row in pack["coverage"]["by_region"]] == ["16"], "nothing hidden there"


def test_a_pack_of_a_period_still_running_counts_as_of_now(app, make, ctx, org_day):
    """This week's pack: the guides printed now and the confirmations so far, said to be so, never
    "by the end of the period" for a day still to come."""
    for n in range(6):
        make.user(f"dsp{n}@x.test", regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    users = {u.email: u for u in db.session.scalars(select(User))}
    now = now_utc()
    this_week = monday(org_day)
    for n in range(5):
        body = {"client_uuid": str(uuid.uuid4()), "role": "dsp", "language": "en", "version": 0}
        record_guide_read(users[f"dsp{n}@x.test"], body, now=now)
    db.session.commit()

    scope = Scope(this_week - timedelta(weeks=3), this_week, None)
    pack = build_pack(scope, users["quality@x.test"], tz=TZ, today=org_day, now=now, region_name="All")
    assert pack["coverage"]["running"] and pack["coverage"]["as_of"] == org_day
    assert (pack["coverage"]["total"]["staff"], pack["coverage"]["total"]["confirmed"]) == ("6", "5")
    html = " ".join(render_template("pdf/pack.html", pack=pack, page_size="Letter").split())
    assert f"by today, {short_date(org_day)} (the period has not ended yet)" in html
    assert "by the end of the period" not in html

    ended = Scope(this_week - timedelta(weeks=4), this_week - timedelta(weeks=1), None)
    pack = build_pack(ended, users["quality@x.test"], tz=TZ, today=org_day, now=now, region_name="All")
    assert not pack["coverage"]["running"] and pack["coverage"]["as_of"] == this_week - timedelta(days=1)


def test_a_past_periods_staff_are_those_of_its_end(app, make, ctx, org_day):
    """A leaver still counts for the period they worked in; a later hire, or someone deactivated before
    the period ended, does not."""

    for name in ("stayed", "left_after", "left_before", "hired_after", "back_before"):
        make.user(f"{name}@x.test", regions=["North"])
    make.user("admin@x.test", roles=[Role.ADMIN], regions=[])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    users = {u.email: u for u in db.session.scalars(select(User))}
    first_week = monday(org_day) - timedelta(weeks=8)
    last_week = monday(org_day) - timedelta(weeks=4)
    end = datetime.combine(last_week + timedelta(days=7), time(), tzinfo=TZ)
    for user in users.values():
        user.created_at = end - timedelta(days=90)
    users["hired_after@x.test"].created_at = end + timedelta(days=3)
    admin = users["admin@x.test"]
    with time_machine.travel(end - timedelta(days=20), tick=False):
        set_user_active(users["left_before@x.test"], False, actor=admin)
        set_user_active(users["back_before@x.test"], False, actor=admin)
    with time_machine.travel(end - timedelta(days=10), tick=False):
        set_user_active(users["back_before@x.test"], True, actor=admin)
    with time_machine.travel(end + timedelta(days=5), tick=False):
        set_user_active(users["left_after@x.test"], False, actor=admin)
    db.session.commit()

    then = {p.email.split("@")[0] for p in staff_at(None, end)}
    assert then == {"stayed", "left_after", "back_before"}
    assert {p.email.split("@")[0] for p in staff_in(None)} == {"stayed", "hired_after", "back_before"}
    assert coverage(None, first_week, last_week, as_of=end).total.staff == 3
