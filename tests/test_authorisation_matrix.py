"""Every route x every role (and signed out), generated from the app's URL map.

Each GET endpoint needs a rule here saying who gets the page; a new route without a rule fails the
suite. POST endpoints are checked signed out: never a success, never a server error.
"""

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import select

from app.core.pseudonyms import pseudonym
from app.core.roles import Role
from app.extensions import db
from app.incidents.models import IncidentCategory
from tests.factories import PASSWORD, csrf_from_page, login

ROLES = [
    "dsp",
    "dsp_south",
    "supervisor",
    "nurse",
    "scheduler",
    "operations_lead",
    "quality_lead",
    "safeguarding_lead",
    "trainer",
    "manager",
    "admin",
]
SIGNED_IN = set(ROLES)
REVIEWERS = {"supervisor", "nurse", "scheduler", "operations_lead"}
ORG_WIDE = {"quality_lead", "safeguarding_lead", "manager", "admin"}
REPORT_VIEWERS = {"dsp"} | REVIEWERS | ORG_WIDE
SAFEGUARDING_VIEWERS = {"dsp", "supervisor", "quality_lead", "safeguarding_lead"}
DASHBOARD = REVIEWERS | ORG_WIDE
EXPORTERS = {"supervisor", "quality_lead", "manager", "admin"}
ANON = "anonymous"


def rule(ok: set[str], *, denied: int = 403, hidden: set[str] = frozenset(), public=False):
    """Expected status per role: 200 for ``ok``, 404 for ``hidden`` (not even visible), else ``denied``."""

    def expect(role: str) -> int:
        if public:
            return 200
        if role == ANON:
            return 200 if public else 302
        if role in ok:
            return 200
        return 404 if role in hidden else denied

    return expect


@pytest.fixture
def world(app):
    """A small organisation with one of everything, built once through the real operations."""
    from app.actions.measure import MeasureFilter
    from app.actions.operations import ActionInput, save_action
    from app.actions.process import ProcessInput, save_process_measure, save_process_weeks
    from app.actions.process_csv import WeekEntry
    from app.anonymous.operations import open_link
    from app.auth.models import User
    from app.auth.operations import create_user
    from app.core.clock import org_today
    from app.core.dates import monday
    from app.emergency.operations import end_grant, start_grant
    from app.escalations.models import ExternalBody, SafeguardingCase, StopTheLineAlert
    from app.escalations.operations import add_external_duty
    from app.feedback.operations import FeedbackInput, publish
    from app.guides.defaults import DEFAULT_GUIDES
    from app.guides.operations import save_guide
    from app.packs.models import PackRender
    from app.reports.models import Report
    from app.reviews.operations import ReviewInput, save_review
    from app.taxonomy.models import Program, Region
    from tests.factories import Factory

    with app.test_request_context():
        north, south = Region(name="North"), Region(name="South")
        db.session.add_all([north, south])
        db.session.flush()
        for role in ROLES:
            region = [south] if role == "dsp_south" else [north]
            create_user(
                email=f"{role}@x.test",
                name=role,
                password=PASSWORD,
                roles=[Role.DSP if role.startswith("dsp") else Role(role)],
                regions=region,
            )
        db.session.commit()
    make = Factory(app)
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG")
    import base64

    photo = {"content_type": "image/png", "data": base64.b64encode(out.getvalue()).decode()}
    report_id = make.report("dsp@x.test", region="North", still_at_risk=True, photo=photo, person_ref="AB-1")
    sg_id = make.report("dsp@x.test", region="North", category="safeguarding_rights")
    with app.test_request_context():
        user = {u.email.split("@")[0]: u for u in db.session.scalars(select(User))}
        report = db.session.get(Report, report_id)
        body = db.session.scalar(select(ExternalBody).where(ExternalBody.code == "licensing"))
        duty = add_external_duty(report, body, tz=ZoneInfo("America/New_York"))
        from app.escalations.nurse_reviews import request_nurse_review

        nurse_review = request_nurse_review(report, because="safeguards")
        review = save_review(
            user["quality_lead"],
            ReviewInput(kind="brief_structured_review", title="Review", reports=[report]),
        )
        today = org_today()
        action = save_action(
            user["quality_lead"],
            ActionInput(
                title="Action",
                change="Change",
                owner_id=user["scheduler"].id,
                due_date=today + timedelta(days=3),
                strength="strong",
                window_start=today + timedelta(days=3),
                window_end=today + timedelta(days=31),
                measure=MeasureFilter(region_ids=(report.region_id,)),
                target_reduction_percent=50,
                report_ids=[report.id],
            ),
            tz=ZoneInfo("America/New_York"),
            today=today,
        )
        measure = ProcessInput("Coverage confirmed", "coverage confirmed", "rota changes", True)
        save_process_measure(action, user["quality_lead"], measure, today=today)
        save_process_weeks(action, user["quality_lead"], [WeekEntry(monday(today), 3, 4)], today=today)
        post = publish(
            user["quality_lead"],
            FeedbackInput(title="Changed", what_changed="x y z", why="a b c", action_ids=[action.id]),
        )
        save_guide("dsp", DEFAULT_GUIDES["dsp"], actor=user["trainer"], publish=True)
        grant = start_grant(user["nurse"], reason="An ended grant to review", hours=1)
        end_grant(grant, user["nurse"])
        program = Program(name="Day services", region_id=report.region_id)
        db.session.add(program)
        db.session.flush()
        link = open_link(program, actor=user["admin"])
        render = PackRender(
            requested_by_id=user["quality_lead"].id,
            first_week=monday(org_today()),
            last_week=monday(org_today()),
            region_name="All regions",
            status="done",
            pages=1,
            pdf=b"%PDF-1.4 a drawn pack",
        )
        db.session.add(render)
        db.session.commit()
        ids = {
            "report": report_id,
            "safeguarding_report": sg_id,
            "duty": duty.id,
            "nurse_review": nurse_review.id,
            "review": review.id,
            "action": action.id,
            "post": post.id,
            "alert": db.session.scalar(select(StopTheLineAlert.id)),
            "case": db.session.scalar(select(SafeguardingCase.id)),
            "grant": grant.id,
            "region": report.region_id,
            "program": program.id,
            "category": report.category_id,
            "user": user["dsp"].id,
            "render": render.id,
            "link_token": link.token,
            "person": pseudonym("AB-1"),
            "incident_category": db.session.scalar(select(IncidentCategory.id).limit(1)),
        }
    return ids


def get_rules(ids) -> dict[str, tuple[str, object]]:
    r = ids
    return {
        "static": ("/static/css/app.css", rule(set(), public=True)),
        "system.healthz": ("/healthz", rule(set(), public=True)),
        # /metrics answers loopback callers that no proxy forwarded (the test client is 127.0.0.1 with
        # no X-Forwarded-For), whoever they are; from anywhere else it is 404 (tests/infra/test_metrics.py).
        "metrics": ("/metrics", rule(set(), public=True)),
        "jobs.index": ("/admin/jobs", rule({"admin"})),
        "auth.login": ("/login", lambda role: 200 if role == ANON else 302),
        "api.csrf_token": ("/api/v1/csrf", rule(set(), public=True)),
        "api.openapi": ("/api/v1/openapi.json", rule(set(), public=True)),
        "pwa.manifest": ("/manifest.webmanifest", rule(set(), public=True)),
        "pwa.service_worker": ("/sw.js", rule(set(), public=True)),
        "pwa.service_worker_module": ("/sw/outbox.js", rule(set(), public=True)),
        "pwa.offline": ("/offline", rule(set(), public=True)),
        # Public like every static file; here no bundles are published, so there is none to give
        # (tests/pwa/test_bundles.py serves them when there are).
        "pwa.bundle_file": ("/static/bundles/js/app.js", lambda role: 404),
        "system.home": ("/", rule(SIGNED_IN)),
        "work.index": ("/work", rule(SIGNED_IN)),
        "auth.account": ("/account", rule(SIGNED_IN)),
        "api.taxonomy": ("/api/v1/taxonomy", lambda role: 401 if role == ANON else 200),
        "api.get_report": (
            f"/api/v1/reports/{r['report']}",
            lambda role: 401 if role == ANON else (200 if role in REPORT_VIEWERS else 404),
        ),
        "reports.new_report": ("/report", rule(SIGNED_IN)),
        "reports.my_reports": ("/my-reports", rule(SIGNED_IN)),
        "reports.report_list": ("/reports", rule(SIGNED_IN)),
        "reports.report_detail": (f"/reports/{r['report']}", rule(REPORT_VIEWERS, denied=404)),
        "reports.report_photo": (f"/reports/{r['report']}/photo", rule(REPORT_VIEWERS, denied=404)),
        "notifications.index": ("/notifications", rule(SIGNED_IN)),
        "triage.queue": ("/triage", rule({"supervisor", "quality_lead"})),
        "triage.triage_form": (f"/triage/{r['report']}", rule({"supervisor", "quality_lead"})),
        "escalations.alert_page": (f"/alerts/{r['alert']}", rule(REPORT_VIEWERS - {"dsp"}, denied=404)),
        "escalations.safeguarding_queue": ("/safeguarding", rule({"safeguarding_lead", "quality_lead"})),
        "escalations.on_call_rota": ("/on-call", rule({"supervisor", "quality_lead", "admin"})),
        "escalations.nurse_review": (
            f"/nurse-reviews/{r['nurse_review']}",
            rule(REPORT_VIEWERS - {"dsp"}, denied=404),
        ),
        "escalations.safeguarding_case": (
            f"/safeguarding/{r['case']}",
            rule({"safeguarding_lead", "quality_lead"}),
        ),
        "reviews.index": ("/reviews", rule(REVIEWERS | {"quality_lead"})),
        "reviews.edit": ("/reviews/new", rule(REVIEWERS | {"quality_lead"})),
        "reviews.show": (f"/reviews/{r['review']}", rule(REVIEWERS | ORG_WIDE, denied=404)),
        "actions.index": ("/actions", rule(SIGNED_IN)),
        "actions.show": (f"/actions/{r['action']}", rule(DASHBOARD, denied=404)),
        "actions.process_export": (f"/actions/{r['action']}/process.csv", rule(DASHBOARD, denied=404)),
        "actions.edit": ("/actions/new", rule({"quality_lead", "operations_lead"})),
        "feedback.index": ("/feedback", rule(SIGNED_IN)),
        "feedback.new": ("/feedback/new", rule({"quality_lead"})),
        "feedback.show": (f"/feedback/{r['post']}", rule(SIGNED_IN)),
        "dashboard.index": ("/dashboard", rule(DASHBOARD)),
        "dashboard.trends": ("/dashboard/trends", rule(DASHBOARD)),
        "dashboard.clusters": ("/dashboard/clusters", rule(DASHBOARD)),
        "dashboard.timeliness": ("/dashboard/timeliness", rule(DASHBOARD)),
        "dashboard.triage": ("/dashboard/triage", rule(DASHBOARD)),
        "dashboard.incidents": ("/dashboard/incidents", rule(DASHBOARD)),
        "dashboard.actions": ("/dashboard/actions", rule(DASHBOARD)),
        "dashboard.exposure": (
            "/dashboard/exposure",
            rule({"quality_lead", "manager", "admin", "operations_lead"}),
        ),
        "admin.settings": ("/admin/settings", rule({"admin"})),
        "admin.index": ("/admin/", rule({"admin"})),
        "packs.render_status": (f"/packs/renders/{r['render']}", rule({"quality_lead"}, hidden={"manager"})),
        "packs.render_download": (
            f"/packs/renders/{r['render']}.pdf",
            rule({"quality_lead"}, hidden={"manager"}),
        ),
        "admin.users": ("/admin/users", rule({"admin"})),
        "admin.new_user": ("/admin/users/new", rule({"admin"})),
        "admin.user": (f"/admin/users/{r['user']}", rule({"admin"})),
        "admin.roles": ("/admin/roles", rule({"admin"})),
        "admin.triage_matrix": ("/admin/triage-matrix", rule({"admin"})),
        "admin.external_bodies": ("/admin/external-bodies", rule({"admin"})),
        "admin.business_days": ("/admin/business-days", rule({"admin"})),
        "admin.regions": ("/admin/regions", rule({"admin"})),
        "admin.edit_region": (f"/admin/regions/{r['region']}", rule({"admin"})),
        "admin.programs": ("/admin/programs", rule({"admin"})),
        "admin.edit_program": (f"/admin/programs/{r['program']}", rule({"admin"})),
        "admin.categories": ("/admin/categories", rule({"admin"})),
        "admin.edit_category": (f"/admin/categories/{r['category']}", rule({"admin"})),
        "admin.incident_categories": ("/admin/incident-categories", rule({"admin"})),
        "admin.jurisdiction_settings": ("/admin/jurisdiction", rule({"admin"})),
        "admin.edit_incident_category": (
            f"/admin/incident-categories/{r['incident_category']}",
            rule({"admin"}),
        ),
        # Recording an incident: those who triage or review the report; others who see it are refused.
        "incidents.incident_form": (
            f"/reports/{r['report']}/incident",
            rule(REVIEWERS | {"quality_lead"}, hidden={"dsp_south", "trainer"}),
        ),
        "guides.index": ("/guides", rule(SIGNED_IN)),
        "guides.show": ("/guides/dsp", rule(SIGNED_IN)),
        "guides.pdf": ("/guides/dsp.pdf", rule(SIGNED_IN)),
        "guides.edit": ("/guides/dsp/edit", rule({"trainer", "admin", "quality_lead"})),
        "guides.versions": ("/guides/dsp/versions", rule({"trainer", "admin", "quality_lead"})),
        "guides.version": ("/guides/dsp/versions/1", rule({"trainer", "admin", "quality_lead"})),
        # Competency checks: trainers record them; coverage for trainers, managers, the quality lead,
        # administrators and supervisors (their own regions); a check is only for a member of staff.
        "guides.competency_index": ("/competency", rule({"trainer"})),
        "guides.competency_person": (f"/competency/people/{r['user']}", rule({"trainer"})),
        "guides.coverage_page": (
            "/competency/coverage",
            rule({"trainer", "manager", "quality_lead", "admin", "supervisor"}),
        ),
        "packs.index": ("/packs", rule({"manager", "quality_lead"})),
        "packs.oversight_pdf": ("/packs/oversight.pdf", rule({"manager", "quality_lead"})),
        "packs.oversight_csv": ("/packs/oversight.zip", rule({"manager", "quality_lead"})),
        "packs.oversight_export": ("/packs/oversight-export", rule(EXPORTERS)),
        "packs.oversight_export_download": ("/packs/oversight-export/download", rule(EXPORTERS)),
        "packs.oversight_export_schema": ("/packs/oversight-export/schema.json", rule(EXPORTERS)),
        "emergency.index": ("/emergency", rule(SIGNED_IN - {"dsp", "dsp_south", "scheduler", "trainer"})),
        "emergency.grants": ("/emergency/grants", rule({"safeguarding_lead", "admin"})),
        "anonymous.admin_links": ("/admin/reporting-links", rule({"admin"})),
        # The public reporting link and the status page by receipt code: for everyone, no account.
        "anonymous.report_form": (f"/r/{r['link_token']}", rule(set(), public=True)),
        "anonymous.status_form": ("/report-status", rule(set(), public=True)),
        "emergency.grant_detail": (f"/emergency/grants/{r['grant']}", rule({"safeguarding_lead", "admin"})),
        "people.person": (
            f"/people/{r['person']}",
            rule({"supervisor", "nurse", "quality_lead", "safeguarding_lead"}),
        ),
        "people.correct": ("/admin/people", rule({"admin"})),
    }


def test_every_get_route_has_a_rule_and_every_role_gets_the_expected_answer(app, world):
    rules = get_rules(world)
    gettable = {r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods}
    missing = gettable - set(rules)
    assert not missing, f"routes without an authorisation rule: {sorted(missing)}"
    clients = {ANON: app.test_client()}
    for role in ROLES:
        clients[role] = app.test_client()
        login(clients[role], f"{role}@x.test")
    wrong = []
    for endpoint, (url, expect) in sorted(rules.items()):
        for role, client in clients.items():
            status = client.get(url).status_code
            if status != expect(role):
                wrong.append(f"{endpoint} {url} as {role}: got {status}, expected {expect(role)}")
    assert not wrong, "\n".join(wrong)


# Starting a passkey sign-in is the one write open to everyone: it stores a single-use challenge
# (tests/auth/test_passkeys.py covers its use).
PRE_SIGN_IN_WRITES = {"auth.passkey_sign_in_options"}


def test_no_write_route_succeeds_signed_out(app, world):
    client = app.test_client()
    token = csrf_from_page(client, "/login")
    failures = []
    for rule_ in app.url_map.iter_rules():
        if "POST" not in rule_.methods or rule_.endpoint in PRE_SIGN_IN_WRITES:
            continue
        url = rule_.rule
        for name in rule_.arguments:
            url = url.replace(f"<int:{name}>", "1").replace(f"<{name}>", "dsp")
        response = client.post(url, data={"csrf_token": token}, headers={"X-CSRFToken": token})
        if (
            response.status_code < 300
            or response.status_code >= 500
            or (response.status_code == 302 and "/login" not in response.headers["Location"])
        ):
            failures.append(f"{rule_.endpoint} {url}: {response.status_code}")
    assert not failures, failures
