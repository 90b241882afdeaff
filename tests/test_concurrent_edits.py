"""Two people acting on the same thing at once (issue 14, point 15).

Each edit form carries the version it was read from. Two people open the same form (two test
clients, two live sessions); the first save wins, the second is refused with 409, the first
person's answers shown beside the second's and everything the second typed kept in the form.
Two saves released together by a barrier (threads, each with its own session) give one record,
one success and one conflict, never a 500.
"""

import re
import threading
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from app.actions.models import Action, Verification
from app.core.roles import Role
from app.escalations.models import SafeguardingCase
from app.extensions import db
from app.reviews.models import Review
from app.taxonomy.models import Category, Region
from app.triage.models import Triage
from tests.factories import login

TODAY = date(2026, 6, 1)  # a Monday; "today" for the action register, fixed


@pytest.fixture
def org(app, make):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("sup2@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    make.user("safe@x.test", roles=[Role.SAFEGUARDING_LEAD], regions=[])
    make.user("safe2@x.test", roles=[Role.SAFEGUARDING_LEAD], regions=[])
    make.user("owner@x.test", roles=[Role.SCHEDULER], regions=["North"])
    make.user("manager@x.test", roles=[Role.MANAGER], regions=[])
    app.config["NEARMISS_TODAY"] = TODAY
    yield make
    app.config.pop("NEARMISS_TODAY", None)


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def _hidden(html: str, name: str) -> str | None:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    return match.group(1) if match else None


def read_form(client, path: str, form_action: str | None = None) -> dict:
    """GET a page and keep the hidden fields of its form (of the form posting to ``form_action``)."""
    html = client.get(path).get_data(as_text=True)
    if form_action is not None:
        html = html.split(f'action="{form_action}"', 1)[1]
    fields = {"csrf_token": _hidden(html, "csrf_token")}
    version = _hidden(html, "version")
    if version is not None:
        fields["version"] = version
    return fields


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def together(*posts):
    """Run the ``posts`` (callables returning a response) in threads released together; wait for
    every one to finish and return their status codes."""
    barrier = threading.Barrier(len(posts))
    statuses = []

    def run(post):
        barrier.wait()
        statuses.append(post().status_code)

    threads = [threading.Thread(target=run, args=(post,)) for post in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a save never finished"
    return sorted(statuses)


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


# Triage -------------------------------------------------------------------------------------------


def triage_answers(**overrides) -> dict:
    answers = {
        "still_at_risk_now": "no",
        "severity": "medium",
        "recurrence": "single",
        "minimum_investigation": "Brief huddle with both shifts",
        "event_class": "near_miss",
        "review_level": "brief_structured_review",
        "override_reason": "Agreed with the team",  # kept only when the level differs from the matrix
    }
    answers.update(overrides)
    return answers


def test_a_second_triage_over_a_newer_one_is_refused_with_both_answers(app, org):
    report_id = org.report("dsp@x.test")
    supervisor, quality = as_user(app, "sup@x.test"), as_user(app, "quality@x.test")
    path = f"/triage/{report_id}"
    supervisor_form, quality_form = read_form(supervisor, path), read_form(quality, path)

    first = supervisor.post(
        path,
        data={**supervisor_form, **triage_answers(severity="low", minimum_investigation="Ask the pharmacy")},
    )
    assert first.status_code == 302
    second = quality.post(
        path,
        data={
            **quality_form,
            **triage_answers(
                severity="high",
                review_level="full_systems_review",
                minimum_investigation="Full handover review with the GP surgery",
            ),
        },
    )

    assert second.status_code == 409
    page = text_of(second)
    assert "Sup saved this" in page
    assert "Ask the pharmacy" in page, "their answer is shown"
    assert "Full handover review with the GP surgery" in page, "what the second person typed is kept"
    with app.app_context():
        triage = db.session.scalar(select(Triage).where(Triage.report_id == report_id))
        assert (triage.severity, triage.minimum_investigation) == ("low", "Ask the pharmacy")

    # Saving the re-rendered form again is a deliberate choice: it replaces the first answers.
    again = quality.post(
        path,
        data={
            "csrf_token": _hidden(page, "csrf_token"),
            "version": _hidden(page, "version"),
            **triage_answers(severity="high", review_level="full_systems_review"),
        },
    )
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Triage.severity).where(Triage.report_id == report_id)) == "high"


def test_a_triage_form_without_its_version_does_not_overwrite(app, org):
    report_id = org.report("dsp@x.test")
    supervisor = as_user(app, "sup@x.test")
    path = f"/triage/{report_id}"
    assert supervisor.post(path, data={**read_form(supervisor, path), **triage_answers()}).status_code == 302
    form = read_form(supervisor, path)
    form["version"] = "not-a-version"
    assert supervisor.post(path, data={**form, **triage_answers(severity="low")}).status_code == 409


def _race_two_first_triages(app, org) -> None:
    report_id = org.report("dsp@x.test")
    path = f"/triage/{report_id}"
    supervisor, quality = as_user(app, "sup@x.test"), as_user(app, "quality@x.test")
    supervisor_form, quality_form = read_form(supervisor, path), read_form(quality, path)
    statuses = together(
        lambda: supervisor.post(path, data={**supervisor_form, **triage_answers(severity="low")}),
        lambda: quality.post(path, data={**quality_form, **triage_answers(severity="medium")}),
    )
    assert statuses == [302, 409]
    assert count(app, Triage, Triage.report_id == report_id) == 1


def test_simultaneous_first_triages_give_one_triage_and_one_conflict(app, org):
    for _ in range(3):
        _race_two_first_triages(app, org)


# Safeguarding decision ----------------------------------------------------------------------------


def safeguarding_case(app, org) -> int:
    report_id = org.report("dsp@x.test", category="safeguarding_rights")
    with app.app_context():
        return db.session.scalar(select(SafeguardingCase.id).where(SafeguardingCase.report_id == report_id))


def test_a_second_safeguarding_decision_over_a_newer_one_is_refused(app, org):
    case_id = safeguarding_case(app, org)
    first_lead, second_lead = as_user(app, "safe@x.test"), as_user(app, "safe2@x.test")
    path = f"/safeguarding/{case_id}"
    first_form, second_form = read_form(first_lead, path), read_form(second_lead, path)
    first = first_lead.post(
        path,
        data={**first_form, "decision": "raise_concern", "rationale": "Money asked for twice this week."},
    )
    assert first.status_code == 302
    second = second_lead.post(
        path,
        data={**second_form, "decision": "monitor", "rationale": "A one-off misunderstanding, watch it."},
    )

    assert second.status_code == 409
    page = text_of(second)
    assert "Safe saved this" in page
    assert "Money asked for twice this week." in page
    assert "A one-off misunderstanding, watch it." in page
    with app.app_context():
        case = db.session.get(SafeguardingCase, case_id)
        assert (case.decision, case.rationale) == ("raise_concern", "Money asked for twice this week.")


def test_simultaneous_safeguarding_decisions_give_one_decision_and_one_conflict(app, org):
    case_id = safeguarding_case(app, org)
    first_lead, second_lead = as_user(app, "safe@x.test"), as_user(app, "safe2@x.test")
    path = f"/safeguarding/{case_id}"
    first_form, second_form = read_form(first_lead, path), read_form(second_lead, path)
    statuses = together(
        lambda: first_lead.post(
            path, data={**first_form, "decision": "raise_concern", "rationale": "Money asked for twice."}
        ),
        lambda: second_lead.post(
            path, data={**second_form, "decision": "monitor", "rationale": "A misunderstanding, watch it."}
        ),
    )
    assert statuses == [302, 409]


# Review -------------------------------------------------------------------------------------------


def a_review(app, org) -> int:
    report_id = org.report("dsp@x.test")
    quality = as_user(app, "quality@x.test")
    form = read_form(quality, "/reviews/new")
    response = quality.post(
        "/reviews/new",
        data={
            **form,
            "kind": "brief_structured_review",
            "title": "Handover of the GP change",
            "report_ids": f"NM-{report_id}",
        },
    )
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def review_answers(review_id: int, app, **overrides) -> dict:
    with app.app_context():
        review = db.session.get(Review, review_id)
        answers = {
            "kind": review.kind,
            "title": review.title,
            "report_ids": ", ".join(f"NM-{r.id}" for r in review.reports),
        }
    answers.update(overrides)
    return answers


def test_a_second_review_save_over_a_newer_one_is_refused(app, org):
    review_id = a_review(app, org)
    quality, supervisor = as_user(app, "quality@x.test"), as_user(app, "sup@x.test")
    path = f"/reviews/{review_id}/edit"
    quality_form, supervisor_form = read_form(quality, path), read_form(supervisor, path)
    first = quality.post(
        path, data={**quality_form, **review_answers(review_id, app, findings="The fax never arrived.")}
    )
    assert first.status_code == 302
    second = supervisor.post(
        path,
        data={**supervisor_form, **review_answers(review_id, app, findings="Nobody read the handover book.")},
    )

    assert second.status_code == 409
    page = text_of(second)
    assert "Quality saved this" in page
    assert "The fax never arrived." in page
    assert "Nobody read the handover book." in page
    with app.app_context():
        assert db.session.get(Review, review_id).findings == "The fax never arrived."


def test_simultaneous_review_saves_give_one_success_and_one_conflict(app, org):
    review_id = a_review(app, org)
    quality, supervisor = as_user(app, "quality@x.test"), as_user(app, "sup@x.test")
    path = f"/reviews/{review_id}/edit"
    quality_form, supervisor_form = read_form(quality, path), read_form(supervisor, path)
    statuses = together(
        lambda: quality.post(
            path, data={**quality_form, **review_answers(review_id, app, findings="Fax lost.")}
        ),
        lambda: supervisor.post(
            path, data={**supervisor_form, **review_answers(review_id, app, findings="Book unread.")}
        ),
    )
    assert statuses == [302, 409]


# Action and its verification ----------------------------------------------------------------------


def action_answers(app, **overrides) -> dict:
    with app.app_context():
        owner = db.session.scalar(select(Action.owner_id).limit(1))
        north = db.session.scalar(select(Region.id).where(Region.name == "North"))
        rota = db.session.scalar(select(Category.id).where(Category.code == "scheduling_rota"))
    answers = {
        "title": "Address check on rota changes",
        "change": "Every rota change checks the address",
        "owner_id": str(owner),
        "due_date": str(TODAY + timedelta(days=7)),
        "strength": "strong",
        "window_start": str(TODAY + timedelta(days=7)),
        "window_end": str(TODAY + timedelta(days=35)),
        "target_reduction_percent": "50",
        "category_ids": [str(rota)],
        "region_ids": [str(north)],
    }
    answers.update(overrides)
    return answers


def an_action(app, org) -> int:
    quality = as_user(app, "quality@x.test")
    with app.app_context():
        from app.auth.models import User

        owner = db.session.scalar(select(User.id).where(User.email == "owner@x.test"))
    form = read_form(quality, "/actions/new")
    response = quality.post("/actions/new", data={**form, **action_answers(app, owner_id=str(owner))})
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_second_action_save_over_a_newer_one_is_refused(app, org):
    action_id = an_action(app, org)
    quality, owner = as_user(app, "quality@x.test"), as_user(app, "owner@x.test")
    path = f"/actions/{action_id}/edit"
    quality_form, owner_form = read_form(quality, path), read_form(owner, path)
    first = owner.post(
        path, data={**owner_form, **action_answers(app, title="Address check by the rota team")}
    )
    assert first.status_code == 302
    second = quality.post(
        path, data={**quality_form, **action_answers(app, title="Address check at every change")}
    )

    assert second.status_code == 409
    page = text_of(second)
    assert "Owner saved this" in page
    assert "Address check by the rota team" in page
    assert "Address check at every change" in page
    with app.app_context():
        assert db.session.get(Action, action_id).title == "Address check by the rota team"


def test_simultaneous_action_saves_give_one_success_and_one_conflict(app, org):
    action_id = an_action(app, org)
    quality, owner = as_user(app, "quality@x.test"), as_user(app, "owner@x.test")
    path = f"/actions/{action_id}/edit"
    quality_form, owner_form = read_form(quality, path), read_form(owner, path)
    statuses = together(
        lambda: owner.post(path, data={**owner_form, **action_answers(app, title="Rota team checks")}),
        lambda: quality.post(path, data={**quality_form, **action_answers(app, title="Every change checks")}),
    )
    assert statuses == [302, 409]


def _window_ended(app, action_id: int) -> None:
    with app.app_context():
        app.config["NEARMISS_TODAY"] = db.session.get(Action, action_id).window_end + timedelta(days=1)


def test_a_second_verdict_over_a_newer_one_is_refused(app, org):
    action_id = an_action(app, org)
    _window_ended(app, action_id)
    supervisor, manager = as_user(app, "sup@x.test"), as_user(app, "manager@x.test")
    path, target = f"/actions/{action_id}", f"/actions/{action_id}/verify"
    supervisor_form, manager_form = read_form(supervisor, path, target), read_form(manager, path, target)
    first = supervisor.post(
        target,
        data={
            **supervisor_form,
            "verdict": "effective",
            "note": "Fewer wrong addresses.",
            # The interval includes 1, so "effective" needs a stated reason (issue 16, point 3).
            "reason": "Every rota change since the start has the address checked.",
        },
    )
    assert first.status_code == 302
    second = manager.post(
        target, data={**manager_form, "verdict": "not_effective", "note": "Too early to say."}
    )

    assert second.status_code == 409
    page = text_of(second)
    assert "Sup saved this" in page
    assert "Fewer wrong addresses." in page
    assert "Too early to say." in page
    assert count(app, Verification, Verification.action_id == action_id) == 1
    with app.app_context():
        assert db.session.get(Action, action_id).status == "effective"


def test_simultaneous_verdicts_give_one_verification_and_one_conflict(app, org):
    action_id = an_action(app, org)
    _window_ended(app, action_id)
    supervisor, manager = as_user(app, "sup@x.test"), as_user(app, "manager@x.test")
    path, target = f"/actions/{action_id}", f"/actions/{action_id}/verify"
    supervisor_form, manager_form = read_form(supervisor, path, target), read_form(manager, path, target)
    statuses = together(
        lambda: supervisor.post(
            target,
            data={
                **supervisor_form,
                "verdict": "effective",
                "note": "Works.",
                "reason": "Every rota change since the start has the address checked.",
            },
        ),
        lambda: manager.post(target, data={**manager_form, "verdict": "not_effective", "note": "No."}),
    )
    assert statuses == [302, 409]
    assert count(app, Verification, Verification.action_id == action_id) == 1


# The unique constraint, met for certain: the second reads before the first commits ----------------


def _first_holds_until_second_has_read(app, first_write, second_write):
    """Run ``first_write`` (flushes, does not commit) in one session; once it is written, a second
    session reads and runs ``second_write`` (returns what to record); the first commits only after
    the second has read, so the second cannot have seen the first's row and must meet it at the
    database. Each runs in its own thread and application context (its own session)."""
    written, read = threading.Event(), threading.Event()
    outcome = {}

    def first():
        with app.app_context():
            first_write()
            written.set()
            assert read.wait(60)
            db.session.commit()

    def second():
        assert written.wait(60)
        with app.app_context():
            try:
                outcome["second"] = second_write(read.set)
            finally:
                read.set()
                db.session.rollback()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a save never finished"
    return outcome.get("second")


def _person(email):
    from app.auth.models import User

    return db.session.scalar(select(User).where(User.email == email))


def test_two_first_triages_meeting_at_the_unique_constraint_give_a_conflict(app, org):
    from zoneinfo import ZoneInfo

    from app.core.concurrency import EditConflict, conflicts_refused
    from app.reports.models import Report
    from app.triage.operations import TriageAnswers, triage_report

    report_id = org.report("dsp@x.test")
    tz = ZoneInfo(app.config["ORG_TIMEZONE"])

    def answers(severity):
        return TriageAnswers(
            still_at_risk_now=False,
            severity=severity,
            recurrence="single",
            minimum_investigation="Ask the pharmacy",
            event_class="near_miss",
            review_level="full_systems_review",  # above the matrix's proposal and its floor, at any severity
            override_reason="Agreed with the team",
        )

    def first_write():
        report = db.session.get(Report, report_id)
        triage_report(report, _person("sup@x.test"), answers("low"), tz=tz, based_on=None)

    def second_write(has_read):
        report = db.session.get(Report, report_id)
        assert report.triage is None, "the first triage is not committed yet"
        has_read()
        try:
            with conflicts_refused():
                triage_report(report, _person("quality@x.test"), answers("high"), tz=tz, based_on=None)
                db.session.commit()
        except EditConflict as conflict:
            return type(conflict.__cause__).__name__
        return "saved"

    assert _first_holds_until_second_has_read(app, first_write, second_write) == "IntegrityError"
    with app.app_context():
        triages = list(db.session.scalars(select(Triage).where(Triage.report_id == report_id)))
        assert [t.severity for t in triages] == ["low"]


def test_two_saves_of_one_triage_meeting_at_its_version_give_a_conflict(app, org):
    """Both read version 1; the second's UPDATE ... WHERE version = 1 finds the row already moved on."""
    from zoneinfo import ZoneInfo

    from app.core.concurrency import EditConflict, conflicts_refused
    from app.reports.models import Report
    from app.triage.operations import TriageAnswers, triage_report

    report_id = org.report("dsp@x.test")
    tz = ZoneInfo(app.config["ORG_TIMEZONE"])

    def answers(investigation):
        return TriageAnswers(
            still_at_risk_now=False,
            severity="medium",
            recurrence="single",
            minimum_investigation=investigation,
            event_class="near_miss",
            review_level="brief_structured_review",
        )

    with app.app_context():
        triage_report(db.session.get(Report, report_id), _person("sup@x.test"), answers("First look"), tz=tz)
        db.session.commit()

    def first_write():
        report = db.session.get(Report, report_id)
        triage_report(report, _person("sup@x.test"), answers("Ask the pharmacy"), tz=tz, based_on=1)

    def second_write(has_read):
        report = db.session.get(Report, report_id)
        assert report.triage.version == 1, "the first save is not committed yet"
        has_read()
        try:
            with conflicts_refused():
                triage_report(report, _person("quality@x.test"), answers("Full review"), tz=tz, based_on=1)
                db.session.commit()
        except EditConflict as conflict:
            return type(conflict.__cause__).__name__
        return "saved"

    assert _first_holds_until_second_has_read(app, first_write, second_write) == "StaleDataError"
    with app.app_context():
        triage = db.session.scalar(select(Triage).where(Triage.report_id == report_id))
        assert (triage.minimum_investigation, triage.version) == ("Ask the pharmacy", 2)


def test_two_routings_to_safeguarding_at_once_give_one_case(app, org):
    from app.escalations.operations import route_to_safeguarding
    from app.reports.models import Report

    report_id = org.report("dsp@x.test")

    def first_write():
        route_to_safeguarding(
            db.session.get(Report, report_id), because="triage", triggers=["boundary_issue"]
        )

    def second_write(has_read):
        report = db.session.get(Report, report_id)
        assert report.safeguarding_case is None, "the first case is not committed yet"
        has_read()
        case = route_to_safeguarding(report, because="triage", triggers=["financial_exploitation"])
        db.session.commit()
        return case.id

    case_id = _first_holds_until_second_has_read(app, first_write, second_write)
    with app.app_context():
        cases = list(
            db.session.scalars(select(SafeguardingCase).where(SafeguardingCase.report_id == report_id))
        )
        assert [c.id for c in cases] == [case_id]
        assert cases[0].triggers == ["boundary_issue", "financial_exploitation"]
