"""submit_report and the permission layer, called without HTTP."""

import json
import uuid

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.core.audit.models import AuditEvent
from app.core.permissions import can_view_report, reporter_is_visible, visible_region_ids
from app.core.roles import Role
from app.extensions import db
from app.reports.models import Report
from app.reports.operations import (
    ClientUUIDConflict,
    RegionForbidden,
    ReportInvalid,
    SubmissionSettings,
    submit_report,
)
from app.reports.signals import report_submitted
from app.reports.validation import ReportPayload
from app.taxonomy.models import Region
from tests.factories import report_body


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp2@x.test", regions=["South"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    return make


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def region_id(name):
    return db.session.scalar(select(Region.id).where(Region.name == name))


def settings(app):
    return SubmissionSettings.from_config(app.config)


def test_submit_stores_once_and_replays(app, org, ctx):
    body = report_body(region_id("North"), person_ref="JD-102", still_at_risk=True)
    first = submit_report(user("dsp@x.test"), ReportPayload(**body), settings(app))
    db.session.commit()
    assert first.created
    again = submit_report(user("dsp@x.test"), ReportPayload(**body), settings(app))
    assert not again.created and again.report.id == first.report.id
    assert db.session.scalar(select(func.count(Report.id))) == 1
    stored = db.session.get(Report, first.report.id)
    assert stored.status == "new" and stored.still_at_risk and stored.person_ref == "JD-102"


def test_same_uuid_different_content_conflicts(app, org, ctx):
    body = report_body(region_id("North"))
    submit_report(user("dsp@x.test"), ReportPayload(**body), settings(app))
    db.session.commit()
    with pytest.raises(ClientUUIDConflict):
        submit_report(user("dsp@x.test"), ReportPayload(**{**body, "barrier": "Other"}), settings(app))


def test_same_uuid_from_another_user_conflicts(app, org, ctx):
    make_north = user("sup@x.test")
    body = report_body(region_id("North"))
    submit_report(user("dsp@x.test"), ReportPayload(**body), settings(app))
    db.session.commit()
    with pytest.raises(ClientUUIDConflict):
        submit_report(make_north, ReportPayload(**body), settings(app))


def test_other_region_is_forbidden(app, org, ctx):
    with pytest.raises(RegionForbidden):
        submit_report(user("dsp@x.test"), ReportPayload(**report_body(region_id("South"))), settings(app))


def test_unknown_region_and_category_are_invalid(app, org, ctx):
    with pytest.raises(ReportInvalid) as caught:
        submit_report(
            user("dsp@x.test"),
            ReportPayload(**report_body(9999, category="astrology")),
            settings(app),
        )
    assert set(caught.value.errors) == {"region_id", "category"}


def test_audit_event_has_no_free_text_or_person(app, org, ctx):
    body = report_body(region_id("North"), person_ref="JD-102", what_happened="Secret details here")
    report = submit_report(user("dsp@x.test"), ReportPayload(**body), settings(app)).report
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.submit"))
    assert event.object_id == str(report.id) and event.region_id == report.region_id
    assert event.actor_id == user("dsp@x.test").id
    stored = json.dumps([event.before, event.after])
    assert "Secret" not in stored and "JD-102" not in stored


def test_signal_sent_once_for_new_reports_only(app, org, ctx):
    received = []

    def listener(report):
        received.append(report.id)

    report_submitted.connect(listener)
    try:
        body = report_body(region_id("North"))
        submit_report(user("dsp@x.test"), ReportPayload(**body), settings(app))
        submit_report(user("dsp@x.test"), ReportPayload(**body), settings(app))
    finally:
        report_submitted.disconnect(listener)
    assert len(received) == 1


def test_permission_layer(app, org, ctx):
    confidential = submit_report(
        user("dsp@x.test"),
        ReportPayload(**report_body(region_id("North"), confidential=True)),
        settings(app),
    ).report
    dsp, dsp2, sup, quality = (user(e) for e in ("dsp@x.test", "dsp2@x.test", "sup@x.test", "quality@x.test"))
    assert visible_region_ids(quality) is None
    assert visible_region_ids(dsp) == frozenset()
    assert visible_region_ids(sup) == {region_id("North")}
    assert can_view_report(dsp, confidential) and can_view_report(sup, confidential)
    assert not can_view_report(dsp2, confidential)
    assert reporter_is_visible(quality, confidential)
    assert reporter_is_visible(dsp, confidential)
    assert not reporter_is_visible(sup, confidential)


def test_replay_survives_uuid_string_spelling(app, org, ctx):
    body = report_body(region_id("North"))
    submit_report(user("dsp@x.test"), ReportPayload(**body), settings(app))
    db.session.commit()
    upper = {**body, "client_uuid": str(uuid.UUID(body["client_uuid"])).upper()}
    assert not submit_report(user("dsp@x.test"), ReportPayload(**upper), settings(app)).created
