"""WCAG 2.2 AA in the browser: axe-core (the npm package, ``npm ci`` puts it in node_modules) on every
page of the app for every role, at a phone's and a laptop's width, with no violation allowed.

The pages come from the app's URL map, so a new page is covered as soon as it exists: every GET route
that answers HTML, with the representative objects of a small demo organisation (``SAMPLES``) for the
routes that take an id. A route with an argument and no sample fails the test until one is added.

Both languages (issue 19): each page is checked in English, then reloaded in Spanish (the browser's
``Accept-Language``, which decides for the demo's accounts: they chose no language), and must then say
``lang="es"``. One browser and one context per role; axe runs once per language and width on each page
(the viewport is resized, never a new context: English at the phone's width then the laptop's, Spanish
at the laptop's then the phone's), with the target-size rule (WCAG 2.5.8, off in axe by default) turned
on and every ``details`` in the page opened, so folded tables are checked too. An error page (403, 404)
is checked once per role. A page whose main content another role's run already checked is not checked
again (its top bar was, on that role's first page).
"""

import hashlib
import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from sqlalchemy import select

from app.actions.models import Action
from app.anonymous.operations import open_link, open_link_of
from app.auth.models import User
from app.core.pseudonyms import pseudonym
from app.dashboard.models import Cluster
from app.demo.loader import DEMO_DOMAIN, load_demo
from app.emergency.operations import start_grant
from app.escalations.models import SafeguardingCase, StopTheLineAlert
from app.escalations.nurse_reviews import request_nurse_review
from app.escalations.operations import ensure_default_external_bodies
from app.extensions import db
from app.feedback.models import FeedbackPost
from app.guides.defaults import DEFAULT_GUIDES
from app.guides.models import CueGuideVersion
from app.incidents.models import IncidentCategory
from app.packs.models import PackRender
from app.reports.models import Report
from app.reports.operations import SubmissionSettings
from app.reviews.models import Review
from app.taxonomy.models import Category, Program, Region
from app.triage.operations import current_matrix
from tests.clock import DEFAULT_NOW
from tests.conftest import _empty_tables
from tests.e2e.conftest import sign_in

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "demo-password-1"
PHONE = {"width": 390, "height": 844}
# The browser's language: what the app answers in for the demo's accounts, which chose none.
ENGLISH = {"Accept-Language": "en"}
SPANISH = {"Accept-Language": "es"}
DESKTOP = {"width": 1280, "height": 800}
# One account of each role in the demo organisation (app/demo/loader.py), and nobody signed in.
ROLES = (
    "dsp",
    "supervisor",
    "nurse",
    "scheduler",
    "operations",
    "quality",
    "safeguarding",
    "trainer",
    "manager",
    "admin",
    None,
)
# Routes that answer something other than a page: files, feeds for scripts, the API, the worker.
NOT_PAGES = re.compile(
    r"^/(api/|static/|sw[/.]|healthz$|metrics$|manifest\.webmanifest$)|\.(pdf|zip|csv|json)$|/photo$|/download$"
)
# The first thing a keyboard reaches on the page: a link to the main content.
SKIP_LINK = """() => {
    const first = document.querySelector(
        'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]'
    );
    const href = first?.matches('a.skip-link') ? first.getAttribute('href') : null;
    const target = href && document.querySelector(href);
    return target && target.matches('main') ? href : (first?.outerHTML || '').slice(0, 80);
}"""
CSRF = re.compile(r'name="csrf_token"[^>]*')
AXE_RUN = """async () => {
    document.querySelectorAll('main details').forEach((d) => { d.open = true; });
    for (let frame = 0; frame < 2; frame += 1) await new Promise((done) => requestAnimationFrame(done));
    const result = await axe.run(document, {
        rules: { 'target-size': { enabled: true } },
        resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
}"""

# WCAG 1.4.10 (reflow): the page itself never scrolls sideways at a phone's width; a wide table
# scrolls inside its own box (.table-scroll). Names the outermost elements that stick out.
WIDER_THAN_THE_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return null;
    const out = (e) => e.getBoundingClientRect().right > width + 1;
    const classes = (e) => (typeof e.className === 'string' ? e.className.trim().split(/\\s+/) : [])
        .filter(Boolean).map((c) => `.${c}`).join('');
    const name = (e) => e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + classes(e);
    const parentOut = (e) => e.parentElement && e.parentElement !== document.body && out(e.parentElement);
    const outermost = [...document.querySelectorAll('body *')]
        .filter((e) => out(e) && !parentOut(e)).map(name);
    const names = [...new Set(outermost)].slice(0, 4).join(', ');
    return `${document.documentElement.scrollWidth} px > ${width} px: ${names}`;
}"""


@pytest.fixture
def _fresh_data():
    """This module's tests share one demo organisation (``demo``) instead of an empty database each."""
    yield


@pytest.fixture(scope="module")
def demo(app):
    """A demo organisation of 20 weeks (enough for the planted clusters of the last five weeks), at a
    pinned instant, plus what the demo lacks: a guide version, a nurse review, a live emergency grant,
    a pack being rendered and a public reporting link. Yields the path arguments of each route that
    takes one."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (./dev.sh test does)")
    with time_machine.travel(datetime.fromisoformat(DEFAULT_NOW), tick=True), app.app_context():
        _empty_tables()
        ensure_default_external_bodies()
        current_matrix()
        load_demo(PASSWORD, SubmissionSettings.from_config(app.config), weeks=20)
        yield _samples_with_extras()
        _empty_tables()


def _user(local: str) -> User:
    return db.session.scalar(select(User).where(User.email == f"{local}@{DEMO_DOMAIN}"))


def _first(model):
    return db.session.scalar(select(model.id).order_by(model.id).limit(1))


def _samples_with_extras() -> dict[str, dict]:
    trainer, quality, supervisor = _user("trainer"), _user("quality"), _user("supervisor")
    db.session.add(
        CueGuideVersion(role="dsp", version=1, content=DEFAULT_GUIDES["dsp"], created_by_id=trainer.id)
    )
    medication = db.session.scalar(select(Category.id).where(Category.code == "medication"))
    report = db.session.scalar(
        select(Report)
        .where(Report.category_id == medication, Report.safeguarding_restricted.is_(False))
        .limit(1)
    )
    nurse_review = request_nurse_review(report, because="category", actor=supervisor)
    grant = start_grant(supervisor, reason="Covering the on-call phone tonight for Riverside", hours=2)
    render = PackRender(
        requested_by_id=quality.id,
        first_week=datetime.fromisoformat(DEFAULT_NOW).date() - timedelta(weeks=8),
        last_week=datetime.fromisoformat(DEFAULT_NOW).date() - timedelta(weeks=1),
        region_name="All regions",
        status="queued",
    )
    db.session.add(render)
    program = db.session.get(Program, _first(Program))
    link = open_link_of(program.id) or open_link(program, actor=_user("admin"))
    db.session.commit()
    assert _first(Cluster) is not None, "the demo has a detected cluster for the dashboard"
    report_id = db.session.scalar(select(Report.id).where(Report.reporter_id == _user("dsp").id).limit(1))
    return {
        "anonymous.report_form": {"token": link.token},
        "actions.show": {"action_id": _first(Action)},
        "actions.edit": {"action_id": _first(Action)},
        "admin.edit_category": {"category_id": _first(Category)},
        "admin.edit_incident_category": {"category_id": _first(IncidentCategory)},
        "admin.edit_program": {"program_id": _first(Program)},
        "admin.edit_region": {"region_id": _first(Region)},
        "admin.user": {"user_id": _user("dsp").id},
        "escalations.alert_page": {"alert_id": _first(StopTheLineAlert)},
        "emergency.grant_detail": {"grant_id": grant.id},
        "feedback.show": {"post_id": _first(FeedbackPost)},
        "guides.show": {"role": "dsp"},
        "guides.edit": {"role": "dsp"},
        "guides.versions": {"role": "dsp"},
        "guides.version": {"role": "dsp", "number": 1},
        "guides.competency_person": {"user_id": _user("dsp").id},
        "escalations.nurse_review": {"review_id": nurse_review.id},
        "packs.render_status": {"render_id": render.id},
        "reports.report_detail": {"report_id": report_id},
        "reviews.show": {"review_id": _first(Review)},
        "reviews.edit": {"review_id": _first(Review)},
        "escalations.safeguarding_case": {"case_id": _first(SafeguardingCase)},
        "triage.triage_form": {"report_id": report_id},
        "people.person": {"person": pseudonym(_person_ref_of_a_report())},
        "incidents.incident_form": {"report_id": report_id},
    }


def _person_ref_of_a_report() -> str:
    return db.session.scalar(select(Report.person_ref).where(Report.person_ref.is_not(None)).limit(1))


def page_paths(app, samples: dict[str, dict]) -> list[str]:
    """Every page of the app: GET routes that answer HTML, with sample arguments where they take some."""
    paths = set()
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or NOT_PAGES.search(rule.rule):
                continue
            if rule.arguments:
                assert rule.endpoint in samples, f"add a sample for {rule.rule} ({rule.endpoint}) to SAMPLES"
                paths.add(url_for(rule.endpoint, **samples[rule.endpoint]))
            else:
                paths.add(url_for(rule.endpoint, **(samples.get(rule.endpoint) or {})))
    return sorted(paths)


@pytest.fixture(scope="module")
def checked_pages():
    """Path → roles that saw it with a 200, filled by the per-role tests, checked by the last one."""
    return {}


@pytest.fixture(scope="module")
def checked_contents():
    """Digests of the main content already checked, by any role: a page whose content another role's
    run has checked is not checked again (its top bar was, on that role's first page)."""
    return set()


def _checked(page, where: str, language: str, sizes) -> list[str]:
    """What is wrong with the loaded page in ``language`` at each of ``sizes`` (in that order): axe's
    violations, a page scrolling sideways, a page not in the language asked for. axe is injected once
    per load."""
    found = []
    if (lang := page.get_attribute("html", "lang")) != language:
        found.append(f"{where}: the page says lang={lang!r}, not {language!r}")
    page.add_script_tag(path=str(AXE))
    for size in sizes:
        page.set_viewport_size(size)
        found += [f"{where} at {size['width']} px: {violation}" for violation in page.evaluate(AXE_RUN)]
        if wider := page.evaluate(WIDER_THAN_THE_SCREEN):
            found.append(f"{where} at {size['width']} px scrolls sideways: {wider}")
    return found


@pytest.mark.parametrize("role", ROLES, ids=[r or "signed-out" for r in ROLES])
def test_no_axe_violations_on_any_page(
    app, demo, live_server, browser, checked_pages, checked_contents, role
):
    context = browser.new_context(viewport=PHONE, bypass_csp=True, extra_http_headers=ENGLISH)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    violations = []
    try:
        if role:
            sign_in(page, live_server, f"{role}@{DEMO_DOMAIN}", PASSWORD)
            assert "/login" not in page.url, f"{role} signed in"
        seen = set()  # pages reached (after redirects) and error pages, each checked once per role
        for path in page_paths(app, demo):
            response = page.goto(f"{live_server}{path}")
            if "text/html" not in (response.headers.get("content-type") or ""):
                continue
            reached = urlsplit(page.url).path
            if response.status == 200:
                checked_pages.setdefault(reached, set()).add(role)
            key = reached if response.status == 200 else response.status
            content = hashlib.sha256(CSRF.sub("", page.inner_html("main")).encode()).hexdigest()
            if key in seen or (seen and content in checked_contents):
                continue
            seen.add(key)
            checked_contents.add(content)
            skip = page.evaluate(SKIP_LINK)
            if skip != "#main":
                violations.append(f"{role} {path}: the first tab stop is {skip}, not a skip link to main")
            violations += _checked(page, f"{role} {path}", "en", (PHONE, DESKTOP))
            context.set_extra_http_headers(SPANISH)
            page.reload()
            violations += _checked(page, f"{role} {path} in Spanish", "es", (DESKTOP, PHONE))
            context.set_extra_http_headers(ENGLISH)
    finally:
        context.close()
    assert violations == [], "\n".join(violations)
    assert errors == [], errors


def test_every_page_was_checked(app, demo, checked_pages):
    """After the per-role runs: every page answered 200 to at least one role and was checked."""
    if len(checked_pages) == 0:
        pytest.skip("run with the per-role tests")
    missing = [path for path in page_paths(app, demo) if path not in checked_pages]
    assert missing == [], f"pages no role could open: {missing}"


def test_the_weekly_review_fits_three_laptop_screens(demo, live_server, browser):
    """Issue 19: the dashboard's first page, the weekly review, reads in at most three screens of a
    1280x800 laptop for the demo's quality lead (it was seven); the details are on the pages it links.
    Here rather than in test_dashboard.py because it needs this module's demo organisation."""
    context = browser.new_context(viewport=DESKTOP, extra_http_headers=ENGLISH)
    page = context.new_page()
    try:
        sign_in(page, live_server, f"quality@{DEMO_DOMAIN}", PASSWORD)
        page.goto(f"{live_server}/dashboard")
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= 3 * DESKTOP["height"], f"the weekly review is {height} px long"
        assert page.locator(".dashboard-nav a").count() == 7, "the review and the six pages behind it"
    finally:
        context.close()
