"""A refused administration form comes back with 422, the reasons in plain words and what was typed;
nothing of it is stored. Pinned before the routes were thinned onto ``save_form``."""

import pytest
from sqlalchemy import select

from app.core.audit.models import AuditEvent
from app.core.roles import Role
from app.core.settings import all_settings
from app.escalations.models import ExternalBody
from app.extensions import db
from tests.factories import csrf_from_page, login


@pytest.fixture
def admin(app, make):
    make.user("admin@x.test", roles=(Role.ADMIN,))
    client = app.test_client()
    login(client, "admin@x.test")
    return client


def audited(app, action: str) -> int:
    with app.app_context():
        return len(db.session.scalars(select(AuditEvent.id).where(AuditEvent.action == action)).all())


def test_refused_settings_show_each_reason_and_what_was_typed_and_store_nothing(app, admin):
    with app.app_context():
        before = dict(all_settings())
    token = csrf_from_page(admin, "/admin/settings")
    typed = {key: f"{value:g}" for key, value in before.items()}
    typed.update(triage_target_hours="soon", session_idle_minutes="100000", safeguarding_decision_hours="36")
    response = admin.post(
        "/admin/settings",
        data={"csrf_token": token, **typed, "emergency_access_roles": ["", "nurse"]},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<p class="field-error">Give a number.</p>' in page
    assert 'name="triage_target_hours" value="soon"' in page
    assert 'name="session_idle_minutes" value="100000"' in page
    assert "Sign out after this long idle: between 5 and 1440 minutes." in page
    assert 'name="safeguarding_decision_hours" value="36"' in page
    assert "[&#39;" not in page, "each reason shows as words, not as a list"
    assert 'value="nurse" checked' in page
    with app.app_context():
        assert dict(all_settings()) == before
    assert audited(app, "setting.change") == 0, "the valid change and the roles are rolled back too"


def test_refused_new_user_keeps_name_email_and_roles(app, admin):
    accounts_before = audited(app, "user.create")
    token = csrf_from_page(admin, "/admin/users/new")
    response = admin.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "name": "Dana Support",
            "email": "dana@x.test",
            "password": "short",
            "roles": ["nurse"],
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<p class="error-box" role="alert">Passwords need at least 10 characters.</p>' in page
    assert 'value="Dana Support"' in page and 'value="dana@x.test"' in page
    assert 'value="nurse" checked' in page
    assert audited(app, "user.create") == accounts_before


def test_refused_external_body_keeps_what_was_typed(app, admin):
    token = csrf_from_page(admin, "/admin/external-bodies")
    response = admin.post(
        "/admin/external-bodies",
        data={"csrf_token": token, "code": "county", "name": "County board", "due_amount": "never"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give the time allowed as a number of hours or business days." in page
    assert 'name="code" maxlength="40" value="county"' in page
    assert 'name="name" maxlength="120" value="County board"' in page
    with app.app_context():
        assert db.session.scalar(select(ExternalBody).where(ExternalBody.code == "county")) is None
