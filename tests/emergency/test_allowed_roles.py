"""Only roles an administrator allows may use emergency access (by default not DSPs, schedulers or
trainers): a DSP once granted themselves every safeguarding report and read them all through the API."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.models import now_utc
from app.core.roles import Role
from app.core.settings import all_settings, get_setting
from app.emergency.models import EmergencyAccess
from app.emergency.operations import EmergencyAccessError, start_grant
from app.emergency.policy import DEFAULT_ALLOWED_ROLES, allowed_roles, may_use_emergency_access
from app.extensions import db
from tests.emergency.conftest import REASON, events, signed_in, take_access
from tests.factories import csrf_from_page

NOT_ALLOWED_BY_DEFAULT = {Role.DSP, Role.SCHEDULER, Role.TRAINER}


def test_the_default_allows_the_roles_that_handle_emergencies(ctx):
    assert allowed_roles() == DEFAULT_ALLOWED_ROLES
    assert frozenset(Role) - DEFAULT_ALLOWED_ROLES == NOT_ALLOWED_BY_DEFAULT


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_or_may_not_start_a_grant_by_default(make, ctx, role):
    make.user("someone@x.test", roles=[role], regions=["North"])
    someone = db.session.scalar(select(User).where(User.email == "someone@x.test"))
    if role in NOT_ALLOWED_BY_DEFAULT:
        assert not may_use_emergency_access(someone)
        with pytest.raises(EmergencyAccessError) as refused:
            start_grant(someone, reason=REASON, hours=1)
        assert "grant" in refused.value.errors
        assert db.session.scalar(select(EmergencyAccess)) is None
    else:
        assert may_use_emergency_access(someone)
        assert start_grant(someone, reason=REASON, hours=1).user_id == someone.id


def test_a_dsp_is_refused_the_page_the_form_and_the_menu_link(app, org):
    dsp = signed_in(app, "dsp@x.test")
    assert dsp.get("/emergency").status_code == 403
    token = csrf_from_page(dsp, "/report")
    assert take_access(dsp, token=token).status_code == 403
    assert 'href="/emergency"' not in dsp.get("/report").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(EmergencyAccess)) is None
    assert events(app, "emergency_access.start") == []
    for report_id in (org["south"], org["safeguarding"]):
        assert dsp.get(f"/api/v1/reports/{report_id}").status_code == 404
    nurse = signed_in(app, "nurse@x.test")
    assert 'href="/emergency"' in nurse.get("/report").get_data(as_text=True)
    assert nurse.get("/emergency").status_code == 200


def _plant_grant(app, email):
    """A live grant written straight into the table, as if the refusal had been got round."""
    with app.app_context():
        holder = db.session.scalar(select(User).where(User.email == email))
        now = now_utc()
        db.session.add(
            EmergencyAccess(
                user_id=holder.id, reason=REASON, hours=4, started_at=now, expires_at=now + timedelta(hours=4)
            )
        )
        db.session.commit()


def test_a_dsp_under_an_attempted_grant_reads_nothing_more(app, org):
    dsp = signed_in(app, "dsp@x.test")
    _plant_grant(app, "dsp@x.test")
    for report_id in (org["south"], org["safeguarding"], org["confidential"]):
        assert dsp.get(f"/api/v1/reports/{report_id}").status_code == 404
        assert dsp.get(f"/reports/{report_id}").status_code == 404
    listing = dsp.get("/reports").get_data(as_text=True)
    assert f"NM-{org['south']}" not in listing and f"NM-{org['safeguarding']}" not in listing
    assert 'id="emergency-banner"' not in listing
    assert dsp.get(f"/api/v1/reports/{org['own']}").status_code == 200  # their own, as ever


def _settings_form(admin, roles, **numbers):
    """Post the settings form as the page would: every number as it stands, and ``roles`` ticked
    (None: a form without the roles field at all)."""
    token = csrf_from_page(admin, "/admin/settings")
    data = {"csrf_token": token}
    if roles is not None:
        data["emergency_access_roles"] = ["", *roles]
    with admin.application.app_context():
        data.update({key: f"{value:g}" for key, value in all_settings().items()})
    data.update(numbers)
    return admin.post("/admin/settings", data=data)


def test_an_admin_changes_the_allowed_roles_and_the_change_is_audited(app, org):
    admin = signed_in(app, "admin@x.test")
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert 'value="nurse" checked' in page and 'value="dsp" checked' not in page

    chosen = sorted(role.value for role in DEFAULT_ALLOWED_ROLES - {Role.NURSE} | {Role.DSP})
    assert _settings_form(admin, chosen).status_code == 302

    [(actor, object_type, _, after)] = [
        e for e in events(app, "setting.change") if e[2] == "emergency_access_roles"
    ]
    with app.app_context():
        admin_id = db.session.scalar(select(User.id).where(User.email == "admin@x.test"))
    assert (actor, object_type) == (admin_id, "setting")
    assert json.loads(after) == {"value": chosen}
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert 'value="dsp" checked' in page and 'value="nurse" checked' not in page

    dsp = signed_in(app, "dsp@x.test")
    assert dsp.get("/emergency").status_code == 200
    assert take_access(dsp).status_code == 302
    assert dsp.get(f"/api/v1/reports/{org['safeguarding']}").status_code == 200
    nurse = signed_in(app, "nurse@x.test")
    assert nurse.get("/emergency").status_code == 403


def test_a_grant_stops_reading_the_moment_its_role_is_no_longer_allowed(app, org):
    nurse = signed_in(app, "nurse@x.test")
    take_access(nurse)
    assert nurse.get(f"/api/v1/reports/{org['safeguarding']}").status_code == 200
    admin = signed_in(app, "admin@x.test")
    without_nurses = sorted(role.value for role in DEFAULT_ALLOWED_ROLES - {Role.NURSE})
    assert _settings_form(admin, without_nurses).status_code == 302
    assert nurse.get(f"/api/v1/reports/{org['safeguarding']}").status_code == 404
    assert 'id="emergency-banner"' not in nurse.get("/reports").get_data(as_text=True)


def test_a_bad_choice_is_refused_and_nothing_is_saved(app, org):
    admin = signed_in(app, "admin@x.test")
    answer = _settings_form(admin, ["nurse", "superuser"])
    assert answer.status_code == 422
    assert "choose from the listed roles" in answer.get_data(as_text=True)
    mixed = _settings_form(admin, ["nurse"], triage_target_hours="soon")
    assert mixed.status_code == 422
    with app.app_context():
        assert allowed_roles() == DEFAULT_ALLOWED_ROLES
    assert [e for e in events(app, "setting.change") if e[2] == "emergency_access_roles"] == []


def test_the_settings_form_without_the_roles_field_leaves_them_alone(app, org):
    admin = signed_in(app, "admin@x.test")
    assert _settings_form(admin, None, triage_target_hours="12").status_code == 302
    with app.app_context():
        assert get_setting("triage_target_hours") == 12
        assert allowed_roles() == DEFAULT_ALLOWED_ROLES
