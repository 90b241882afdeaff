"""A small organisation for emergency-access tests: two regions, a reviewer of every kind."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.auth.models import User
from app.core.audit.models import AuditEvent
from app.core.roles import Role
from app.emergency.models import EmergencyAccess
from app.extensions import db
from tests.factories import csrf_from_page, login


@pytest.fixture
def org(make):
    """Users and reports: ``south`` is a South report, ``safeguarding`` a restricted North one filed
    by someone else, ``confidential`` a confidential South report."""
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp2@x.test", regions=["South"])
    make.user("nurse@x.test", roles=[Role.NURSE], regions=["North"])
    make.user("nurse2@x.test", roles=[Role.NURSE], regions=["South"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("safeguarding@x.test", roles=[Role.SAFEGUARDING_LEAD], regions=[])
    make.user("admin@x.test", roles=[Role.ADMIN], regions=[])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    make.user("old-admin@x.test", roles=[Role.ADMIN], regions=[])
    with make.app.app_context():
        db.session.execute(update(User).where(User.email == "old-admin@x.test").values(active=False))
        db.session.commit()
    return {
        "south": make.report("dsp2@x.test", region="South"),
        "safeguarding": make.report("sup@x.test", region="North", category="safeguarding_rights"),
        "confidential": make.report("dsp2@x.test", region="South", confidential=True),
        "own": make.report("dsp@x.test", region="North"),
    }


def signed_in(app, email):
    client = app.test_client()
    login(client, email)
    return client


REASON = "Out-of-hours call: person R-17 may be at risk tonight"


def take_access(client, reason=REASON, hours="2", token=None):
    token = token or csrf_from_page(client, "/emergency")
    return client.post("/emergency", data={"reason": reason, "hours": hours, "csrf_token": token})


def move_grant_into_past(app, *, by: timedelta):
    """Shift every grant back in time, as if ``by`` had passed since it was taken."""
    with app.app_context():
        for grant in db.session.scalars(select(EmergencyAccess)):
            grant.started_at -= by
            grant.expires_at -= by
        db.session.commit()


def events(app, action):
    with app.app_context():
        return [
            (e.actor_id, e.object_type, e.object_id, e.after)
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
            )
        ]


def user_id(app, email):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))
