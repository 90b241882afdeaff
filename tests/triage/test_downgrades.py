"""Proportionate triage enforced at triage time (issue 16): a high potential or clustered report gets
at least a barrier review unless the triager records a listed reason and an explanation."""

import json
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.audit.models import AuditEvent
from app.core.roles import Role
from app.dashboard.models import Cluster
from app.extensions import db
from app.reports.models import Report
from app.triage.matrix import DEFAULT_MATRIX, Recurrence, ReviewLevel, Severity, minimum_review_level
from app.triage.models import Triage
from app.triage.operations import TriageAnswers, TriageInvalid, triage_report
from tests.factories import csrf_from_page, login

TZ = ZoneInfo("America/New_York")
EXPLANATION = "Same heel, same barrier reviewed on 3 Nov; nothing new to learn"
REFUSED_REASON = (
    "High potential and clustered reports get at least a barrier review. "
    "To choose “Brief structured review”, say why from the list."
)
REFUSED_TEXT = "Explain the downgrade to “Brief structured review” in at least 20 characters (under 2000)."


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    return make


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def answers(**overrides):
    base = {
        "still_at_risk_now": False,
        "severity": "high",
        "recurrence": "single",
        "minimum_investigation": "Check the heel with the nurse",
        "event_class": "near_miss",
        "review_level": "brief_structured_review",
    }
    base.update(overrides)
    return TriageAnswers(**base)


def put_in_open_cluster(report):
    db.session.add(
        Cluster(
            method="local_rule",
            week_start=report.occurred_at.date(),
            cell_key="North|medication",
            observed=3,
            status="new",
            reports=[report],
        )
    )
    db.session.flush()


# --- the minimum, from the matrix ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "recurrence", "proposed", "minimum"),
    [
        ("high", "single", "single", ReviewLevel.BARRIER),
        ("low", "cluster", "single", ReviewLevel.BARRIER),  # chosen cluster
        ("low", "single", "cluster", ReviewLevel.BARRIER),  # proposed cluster, chosen otherwise
        ("medium", "repeat", "repeat", ReviewLevel.NONE),
        ("low", "single", "", ReviewLevel.NONE),
    ],
)
def test_minimum_review_level(severity, recurrence, proposed, minimum):
    assert minimum_review_level(severity, recurrence, proposed) is minimum


def test_the_default_matrix_never_proposes_below_the_minimum():
    for severity in Severity:
        for recurrence in Recurrence:
            floor = minimum_review_level(severity.value, recurrence.value)
            assert DEFAULT_MATRIX[severity][recurrence].depth >= floor.depth, (severity, recurrence)


# --- the domain operation -------------------------------------------------------------------------


def test_a_downgrade_without_a_reason_is_refused(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test"))
    with pytest.raises(TriageInvalid) as caught:
        triage_report(report, user("sup@x.test"), answers(), tz=TZ)
    assert caught.value.errors == {"downgrade_reason": [REFUSED_REASON], "downgrade_text": [REFUSED_TEXT]}
    assert report.triage is None


def test_a_short_explanation_or_an_unlisted_reason_is_refused(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test"))
    with pytest.raises(TriageInvalid) as caught:
        triage_report(
            report, user("sup@x.test"), answers(downgrade_reason="duplicate", downgrade_text="dup"), tz=TZ
        )
    assert caught.value.errors == {"downgrade_text": [REFUSED_TEXT]}
    with pytest.raises(TriageInvalid) as caught:
        triage_report(
            report,
            user("sup@x.test"),
            answers(downgrade_reason="too_busy", downgrade_text=EXPLANATION),
            tz=TZ,
        )
    assert caught.value.errors == {"downgrade_reason": [REFUSED_REASON]}


def test_a_downgrade_with_a_reason_is_stored_and_audited(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test"))
    triage = triage_report(
        report,
        user("sup@x.test"),
        answers(downgrade_reason="same_barrier_reviewed", downgrade_text=f"  {EXPLANATION} "),
        tz=TZ,
    )
    assert (triage.downgrade_reason, triage.downgrade_text) == ("same_barrier_reviewed", EXPLANATION)
    assert (triage.downgrade_from, triage.downgrade_to) == ("barrier_review", "brief_structured_review")
    # The explanation is also the reason for leaving the matrix's proposal.
    assert triage.override_reason == EXPLANATION
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "triage.record"))
    assert json.loads(event.after)["downgrade"] == {
        "reason": "same_barrier_reviewed",
        "from": "barrier_review",
        "to": "brief_structured_review",
    }


def test_a_downgrade_from_a_deeper_proposal_starts_from_the_proposal(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test"))
    triage = triage_report(
        report,
        user("sup@x.test"),
        answers(
            recurrence="cluster",
            review_level="none",
            downgrade_reason="duplicate",
            downgrade_text=EXPLANATION,
        ),
        tz=TZ,
    )
    assert (triage.proposed_review_level, triage.downgrade_from) == ("full_systems_review",) * 2
    assert triage.downgrade_to == "none"


def test_a_proposed_cluster_needs_the_floor_even_when_the_triager_says_single(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test"))
    put_in_open_cluster(report)
    low_single = answers(severity="low", review_level="none")  # the matrix proposes none for this
    with pytest.raises(TriageInvalid) as caught:
        triage_report(report, user("sup@x.test"), low_single, tz=TZ)
    assert set(caught.value.errors) == {"downgrade_reason", "downgrade_text"}
    low_single.downgrade_reason, low_single.downgrade_text = "outside_service", EXPLANATION
    triage = triage_report(report, user("sup@x.test"), low_single, tz=TZ)
    assert (triage.recurrence_proposed, triage.recurrence) == ("cluster", "single")
    assert (triage.downgrade_from, triage.downgrade_to) == ("barrier_review", "none")
    assert triage.override_reason is None  # the level is the matrix's own proposal for low x single


def test_a_level_at_the_floor_stores_no_downgrade_and_clears_an_earlier_one(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test"))
    triage_report(
        report, user("sup@x.test"), answers(downgrade_reason="duplicate", downgrade_text=EXPLANATION), tz=TZ
    )
    triage = triage_report(
        report,
        user("sup@x.test"),
        answers(review_level="barrier_review", downgrade_reason="duplicate", downgrade_text=EXPLANATION),
        tz=TZ,
    )
    assert triage.downgrade_reason is triage.downgrade_from is triage.downgrade_text is None
    assert triage.override_reason is None


def test_a_medium_single_report_may_go_to_none_with_an_override_reason_only(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test"))
    triage = triage_report(
        report,
        user("sup@x.test"),
        answers(severity="medium", review_level="none", override_reason="Logged; nothing more to learn"),
        tz=TZ,
    )
    assert triage.downgrade_reason is None and triage.override_reason == "Logged; nothing more to learn"


# --- through HTTP ---------------------------------------------------------------------------------


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def post_triage(client, report_id, token=None, **overrides):
    data = {
        "csrf_token": token if token is not None else csrf_from_page(client, f"/triage/{report_id}"),
        "still_at_risk_now": "no",
        "severity": "high",
        "recurrence": "single",
        "minimum_investigation": "Check the heel with the nurse",
        "event_class": "near_miss",
        "review_level": "brief_structured_review",
    }
    data.update(overrides)
    return client.post(f"/triage/{report_id}", data=data)


def stored_triage(app):
    with app.app_context():
        return db.session.scalar(select(Triage))


def test_the_form_offers_the_reasons_without_script(app, org):
    report_id = org.report("dsp@x.test")
    html = as_user(app, "sup@x.test").get(f"/triage/{report_id}").get_data(as_text=True)
    assert 'id="downgrade-box"' in html and 'name="downgrade_reason"' in html
    for label in (
        "Already reviewed with the same barrier this month",
        "Duplicate of another report",
        "Outside our service",
    ):
        assert label in html
    assert 'data-floor="barrier_review"' in html


def test_a_downgrade_without_a_reason_is_a_422_with_the_message(app, org):
    report_id = org.report("dsp@x.test")
    response = post_triage(as_user(app, "sup@x.test"), report_id, downgrade_text="short")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert REFUSED_REASON in html and REFUSED_TEXT in html
    assert ">short</textarea>" in html  # what was typed is kept
    assert stored_triage(app) is None


def test_a_downgrade_post_without_csrf_is_refused(app, org):
    report_id = org.report("dsp@x.test")
    client = as_user(app, "sup@x.test")
    response = post_triage(
        client, report_id, token="", downgrade_reason="duplicate", downgrade_text=EXPLANATION
    )
    assert response.status_code == 400
    assert stored_triage(app) is None


def test_a_downgrade_is_shown_on_the_report_the_triage_form_and_the_api(app, org):
    report_id = org.report("dsp@x.test")
    client = as_user(app, "sup@x.test")
    response = post_triage(client, report_id, downgrade_reason="duplicate", downgrade_text=EXPLANATION)
    assert response.status_code == 302
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert (
        "Downgraded</strong> from barrier review to brief structured review: "
        f"duplicate of another report — {EXPLANATION}"
    ) in page
    form = client.get(f"/triage/{report_id}").get_data(as_text=True)
    assert 'id="saved-downgrade"' in form
    assert '<option value="duplicate" selected>' in form and f">{EXPLANATION}</textarea>" in form
    body = client.get(f"/api/v1/reports/{report_id}").get_json()
    assert body["triage_downgrade"] == {
        "reason": "duplicate",
        "reason_label": "Duplicate of another report",
        "explanation": EXPLANATION,
        "from_level": "barrier_review",
        "to_level": "brief_structured_review",
    }


def test_the_api_says_null_without_a_downgrade_and_nothing_to_the_reporter(app, org):
    report_id = org.report("dsp@x.test")
    triager = as_user(app, "sup@x.test").get(f"/api/v1/reports/{report_id}").get_json()
    assert triager["triage_downgrade"] is None
    reporter = as_user(app, "dsp@x.test").get(f"/api/v1/reports/{report_id}").get_json()
    assert "triage_downgrade" not in reporter
