"""The dashboard and cluster detection on 1,000,000 reports (3 years, 20 regions) in PostgreSQL.

    python -m bench.dashboard_scale [--reports 1000000] [--database postgresql+psycopg://...] [--reuse]

``--reuse`` keeps a database that an earlier run built (the schema is brought to the newest migration;
the reports are built only if the table is empty), so a second run skips the several minutes of
generating. Each of the weekly review's own pages is timed beside the board.

The data are generated inside PostgreSQL (generate_series), never row by row from Python. The
baseline, measured on the same table in the same run, is a plain
``SELECT date_trunc('week', occurred_at), count(*) FROM reports GROUP BY 1``. Server time is the
time Flask takes to answer GET /dashboard (test client, no network), median of several runs.
"""

import argparse
import statistics
import time
from datetime import timedelta

import psycopg
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import create_app
from app.auth.operations import create_user
from app.config import TestConfig
from app.core.clock import org_tz
from app.core.dates import monday
from app.core.roles import Role
from app.dashboard.operations import detect_clusters
from app.extensions import db
from bench.common import PASSWORD, ROOT

DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/nearmiss_bench"
REGIONS = 20
RUNS = 5
PAGES = ("trends", "clusters", "timeliness", "triage", "incidents", "actions")

GENERATE_REPORTS = """
WITH first_ids AS (
    SELECT (SELECT min(id) FROM regions) AS region0, (SELECT min(id) FROM categories) AS category0
),
planned AS (
    SELECT g, now() - random() * interval '1095 days' AS occurred,
           (SELECT region0 FROM first_ids) + (g % :regions) AS region_id,
           (SELECT category0 FROM first_ids) + floor(random() * 11)::int AS category_id,
           random() AS roll
    FROM generate_series(1, :n) AS g
)
INSERT INTO reports (client_uuid, content_hash, what_happened, category_id, event_class, occurred_at,
    occurred_at_approximate, captured_at, received_at, region_id, program_id, location, person_ref,
    still_at_risk, barrier, immediate_action, interface_tag, confidential, reporter_id, status,
    safeguarding_restricted)
SELECT gen_random_uuid(), 'bench', 'Benchmark near miss', p.category_id, 'near_miss', p.occurred, false,
       p.occurred, p.occurred + interval '20 minutes', p.region_id, NULL, NULL,
       CASE WHEN p.roll < 0.3 THEN 'P-' || (p.g % 5000) ELSE NULL END,
       p.roll < 0.05, CASE WHEN p.roll > 0.97 THEN 'luck' ELSE 'Checked before acting' END, NULL,
       (ARRAY[NULL, NULL, 'handover', 'scheduling_change', 'plan_update', 'appointment_follow_up',
              'medication_reconciliation'])[1 + (p.g % 7)],
       false, ur.user_id, 'triaged', false
FROM planned p JOIN user_regions ur ON ur.region_id = p.region_id
"""

GENERATE_TRIAGES = """
INSERT INTO triages (report_id, triaged_by_id, triaged_at, still_at_risk_now, safeguarding_triggers,
    external_body_ids, recurrence_proposed, recurrence, similar_report_ids, minimum_investigation,
    severity, interface_flag, interface_type, event_class, matrix_version_id, proposed_review_level,
    review_level, override_reason)
SELECT id, reporter_id, received_at + (random() * interval '30 hours'), false, '[]', '[]', 'single',
       'single', '[]', 'Log and learn', 'low', false, NULL, 'near_miss',
       (SELECT min(id) FROM triage_matrix_versions), 'none', 'none', NULL
FROM reports WHERE received_at > now() - interval '30 weeks'
"""

GENERATE_EXPOSURE = """
INSERT INTO exposures (region_id, week_start, visits, service_hours, updated_at)
SELECT r.id, (date_trunc('week', now()) - (w * interval '1 week'))::date, 800 + floor(random() * 800)::int,
       NULL, now()
FROM regions r, generate_series(1, 156) AS w
"""


def prepare_database(url: str) -> None:
    parsed = make_url(url)
    admin = parsed.set(database="postgres").render_as_string(hide_password=False).replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{parsed.database}"')


def already_built(app) -> bool:
    """Whether an earlier run left reports in this database (the schema is upgraded either way)."""
    with app.app_context():
        exists = db.session.scalar(text("SELECT to_regclass('public.reports') IS NOT NULL"))
        if not exists:
            return False
        upgrade(directory=str(ROOT / "migrations"))
        return bool(db.session.scalar(text("SELECT EXISTS (SELECT 1 FROM reports)")))


def build(app, count: int) -> None:
    with app.app_context():
        db.session.execute(text("DROP SCHEMA public CASCADE"))
        db.session.execute(text("CREATE SCHEMA public"))
        db.session.commit()
        upgrade(directory=str(ROOT / "migrations"))
        regions = []
        for n in range(REGIONS):
            db.session.execute(
                text("INSERT INTO regions (name, active) VALUES (:name, true)"),
                {"name": f"Region {n + 1:02d}"},
            )
        db.session.flush()
        from app.taxonomy.models import Region

        regions = db.session.query(Region).order_by(Region.id).all()
        for region in regions:
            create_user(
                email=f"dsp{region.id}@bench.test",
                name=f"DSP {region.id}",
                password=PASSWORD,
                roles=[Role.DSP],
                regions=[region],
            )
        create_user(
            email="quality@bench.test",
            name="Quality",
            password=PASSWORD,
            roles=[Role.QUALITY_LEAD],
            regions=[],
        )
        db.session.commit()
        started = time.perf_counter()
        db.session.execute(text(GENERATE_REPORTS), {"n": count, "regions": REGIONS})
        db.session.execute(text(GENERATE_TRIAGES))
        db.session.execute(text(GENERATE_EXPOSURE))
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        print(f"generated {count:,} reports in {time.perf_counter() - started:.1f} s")


def median_seconds(action, runs: int = RUNS) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--reuse", action="store_true", help="keep the reports an earlier run generated")
    args = parser.parse_args()
    prepare_database(args.database)

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = args.database

    app = create_app(BenchConfig)
    if args.reuse and already_built(app):
        print("reusing the reports an earlier run generated")
    else:
        build(app, args.reports)

    with app.app_context():
        baseline = median_seconds(
            lambda: db.session.execute(
                text("SELECT date_trunc('week', occurred_at), count(*) FROM reports GROUP BY 1")
            ).all()
        )
        rows = db.session.scalar(text("SELECT count(*) FROM reports"))

        def detection():
            week = monday(time_today(app)) - timedelta(weeks=1)
            detect_clusters(week, tz=org_tz())
            db.session.rollback()

        detect = median_seconds(detection)

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    client.post("/login", data={"email": "quality@bench.test", "password": PASSWORD, "csrf_token": token})

    def page(path):
        def fetch():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return fetch

    page("/dashboard")()  # warm the caches once, as a running server would be
    page_time = median_seconds(page("/dashboard"))
    sub_pages = [(name, median_seconds(page(f"/dashboard/{name}"))) for name in PAGES]

    print(
        f"\nDashboard at scale: {rows:,} reports, {REGIONS} regions, 3 years, PostgreSQL; median of {RUNS}\n"
    )
    header = f"{'measurement':<52}{'ms':>10}{'x baseline':>12}"
    print(header)
    print("-" * len(header))
    for name, seconds in (
        ("baseline: SELECT week, count(*) GROUP BY week", baseline),
        ("GET /dashboard (26 weeks, all regions), server time", page_time),
        ("cluster detection for one week (both methods)", detect),
        *((f"GET /dashboard/{name}, server time", seconds) for name, seconds in sub_pages),
    ):
        print(f"{name:<52}{seconds * 1000:>10.0f}{seconds / baseline:>11.2f}x")
    verdict = "under" if page_time < 0.5 else "OVER"
    print(f"\nDashboard page {verdict} the 500 ms target.")


def time_today(app):
    with app.app_context():
        from app.core.clock import org_today

        return org_today()


if __name__ == "__main__":
    main()
