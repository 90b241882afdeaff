"""Local vocabulary (issue 19 point 4): the organisation's jurisdiction decides the default external
bodies, the safeguarding wording and the emergency number; the demo reads American."""

import json
import re

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.audit.models import AuditEvent
from app.core.jurisdiction import DEFAULT_JURISDICTION, Jurisdiction, jurisdiction
from app.core.roles import Role
from app.escalations.models import ExternalBody, SafeguardingCase
from app.escalations.vocabulary import default_external_bodies
from app.extensions import db
from tests.factories import csrf_from_page, login


@pytest.fixture
def admin(app, make):
    make.user("admin@x.test", roles=(Role.ADMIN,))
    client = app.test_client()
    login(client, "admin@x.test")
    return client


def save(client, **form):
    token = csrf_from_page(client, "/admin/jurisdiction")
    return client.post("/admin/jurisdiction", data={**form, "csrf_token": token})


def active_bodies(app) -> dict[str, str]:
    with app.app_context():
        return {b.code: b.name for b in db.session.scalars(select(ExternalBody).where(ExternalBody.active))}


def test_the_default_is_the_united_states_and_the_admin_index_links_the_page(app, admin):
    with app.app_context():
        assert jurisdiction() == DEFAULT_JURISDICTION == Jurisdiction("us", "")
    index = admin.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/jurisdiction"' in index and "Local vocabulary" in index
    page = admin.get("/admin/jurisdiction").get_data(as_text=True)
    assert 'name="kind" value="us" checked' in page and "Emergency number: 911" in page


def test_choosing_a_state_stores_audits_and_adds_its_bodies(app, admin):
    response = save(admin, kind="us", state="ny")
    assert response.status_code == 302
    with app.app_context():
        assert jurisdiction() == Jurisdiction("us", "NY")
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == "jurisdiction"))
        assert json.loads(event.after) == {"value": {"kind": "us", "state": "NY"}}
    bodies = active_bodies(app)
    # The state's two bodies were present already (a fresh install's, named without a state): kept as
    # they were; what was missing (911) is added.
    assert bodies["state_incident_system"] == "State critical incident system"
    assert bodies["emergency_911"] == "911 (police, fire, EMS)"
    assert {"adult_protective_services", "licensing"} <= set(bodies)


def test_the_united_kingdom_adds_its_bodies_and_leaves_the_others_alone(app, admin):
    before = active_bodies(app)
    assert save(admin, kind="uk", state="NY").status_code == 302
    with app.app_context():
        assert jurisdiction() == Jurisdiction("uk", "")  # a state means nothing outside the US
    after = active_bodies(app)
    assert after["local_authority_safeguarding"] == "Local authority safeguarding (Care Act s42 enquiry)"
    assert after["emergency_999"] == "999 (police, fire, ambulance)"
    assert {code: after[code] for code in before} == before
    assert "Emergency number: 999" in admin.get("/admin/jurisdiction").get_data(as_text=True)


@pytest.mark.parametrize(
    ("form", "field"), [({"kind": "mars", "state": ""}, "kind"), ({"kind": "us", "state": "ZZ"}, "state")]
)
def test_a_refused_choice_stores_nothing(app, admin, form, field):
    response = save(admin, **form)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert jurisdiction() == DEFAULT_JURISDICTION


def test_only_administrators_change_it(app, make):
    make.user("sup@x.test", roles=(Role.SUPERVISOR,))
    client = app.test_client()
    login(client, "sup@x.test")
    assert client.get("/admin/jurisdiction").status_code == 403


def test_each_jurisdiction_offers_its_own_bodies():
    def names(kind, state=""):
        return {b["code"]: b["name"] for b in default_external_bodies(Jurisdiction(kind, state))}

    us = names("us", "NY")
    assert us == {
        "state_incident_system": "New York critical incident system",
        "adult_protective_services": "Adult protective services",
        "licensing": "New York licensing agency",
        "emergency_911": "911 (police, fire, EMS)",
    }
    uk = names("uk")
    assert set(uk) == {"local_authority_safeguarding", "cqc", "riddor", "emergency_999"}
    other = " ".join(names("other").values())
    assert not re.search(r"CQC|RIDDOR|Care Act|911|999|APS|protective services", other)
    assert not re.search(r"CQC|RIDDOR|Care Act|999", " ".join(us.values()))


def test_the_safeguarding_decision_names_the_care_act_only_in_the_uk(app, make, admin):
    make.user("dsp@x.test", regions=["North"])
    make.user("safe@x.test", roles=[Role.SAFEGUARDING_LEAD], regions=[])
    make.report("dsp@x.test", category="safeguarding_rights")
    with app.app_context():
        case_id = db.session.scalar(select(SafeguardingCase.id))
    lead = app.test_client()
    login(lead, "safe@x.test")
    american = lead.get(f"/safeguarding/{case_id}").get_data(as_text=True)
    assert "The person&#39;s views and wishes: what they want to happen" in american
    assert "Care Act" not in american
    save(admin, kind="uk", state="")
    british = lead.get(f"/safeguarding/{case_id}").get_data(as_text=True)
    assert "Care Act s42: make safeguarding personal" in british


def test_the_bodies_a_change_of_jurisdiction_adds_are_audited_as_the_administrators(app, admin):
    with app.app_context():
        present = set(db.session.scalars(select(ExternalBody.code)))
        admin_id = db.session.scalar(select(User.id).where(User.email == "admin@x.test"))
    assert save(admin, kind="uk", state="").status_code == 302
    with app.app_context():
        events = list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "external_body.save").order_by(AuditEvent.seq)
            )
        )
        added = {b.id: b.code for b in db.session.scalars(select(ExternalBody)) if b.code not in present}
        assert set(added.values()) == {"local_authority_safeguarding", "cqc", "riddor", "emergency_999"}
        assert {int(e.object_id): json.loads(e.after)["code"] for e in events} == added
        assert all(e.object_type == "external_body" and e.before is None for e in events)
        assert {json.loads(e.after)["default_for"] for e in events} == {"uk"}
        assert {e.actor_id for e in events} == {admin_id}
    # Saving the same choice again adds nothing, so audits no body.
    save(admin, kind="uk", state="")
    with app.app_context():
        count = db.session.scalar(
            select(db.func.count()).select_from(AuditEvent).where(AuditEvent.action == "external_body.save")
        )
        assert count == 4


def test_a_spanish_administrator_reads_the_default_bodies_and_states_in_spanish(app, admin):
    save(admin, kind="us", state="NY")
    page = admin.get("/admin/jurisdiction?lang=es").get_data(as_text=True)
    assert "<li>Agencia de licencias de Nueva York — ya existe</li>" in page
    assert "Sistema de incidentes críticos de Nueva York" in page and "Nueva York (NY)" in page
    assert "licensing agency" not in page

    with app.app_context():
        typed = db.session.scalar(select(ExternalBody).where(ExternalBody.code == "emergency_911"))
        typed.name = "911 (call first)"
        db.session.commit()
    bodies = admin.get("/admin/external-bodies?lang=es").get_data(as_text=True)
    # The field keeps the stored English default (saving the row leaves it a default); beside it,
    # what readers see. A typed name has no such note.
    assert 'value="Adult protective services"' in bodies
    assert "Se muestra como: Servicios de Protección de Adultos (APS)" in bodies
    assert 'value="911 (call first)"' in bodies and "Se muestra como: 911" not in bodies
    assert "Se muestra como" not in admin.get("/admin/external-bodies").get_data(as_text=True)
