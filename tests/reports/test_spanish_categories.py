"""Category names in Spanish (issue 19, point 1): the categories the app seeds are read in the reader's
language wherever a category is named; a name an administrator typed is shown as it was typed."""

import pytest
from sqlalchemy import select

from app.core.roles import Role
from app.extensions import db
from app.incidents.models import IncidentCategory
from app.taxonomy.models import Category
from tests.factories import login


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    return make


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def test_the_report_form_names_the_default_categories_and_their_examples_in_spanish(app, org):
    dsp = as_user(app, "dsp@x.test")
    spanish = dsp.get("/report?lang=es").get_data(as_text=True)
    assert "<strong>Caídas y movilidad</strong>" in spanish and "<strong>Medicación</strong>" in spanish
    assert "Arnés de la grúa Hoyer de talla equivocada" in spanish
    assert "Falls and mobility" not in spanish and "Hoyer lift sling" not in spanish
    english = dsp.get("/report?lang=en").get_data(as_text=True)
    assert "<strong>Falls and mobility</strong>" in english and "Hoyer lift sling the wrong size" in english


def test_a_name_an_administrator_typed_is_shown_as_typed(app, org):
    with app.app_context():
        category = db.session.scalar(select(Category).where(Category.code == "medication"))
        category.name = "Meds and MAR"
        db.session.commit()
    spanish = as_user(app, "dsp@x.test").get("/report?lang=es").get_data(as_text=True)
    assert "<strong>Meds and MAR</strong>" in spanish and "Medicación" not in spanish
    # Its examples were not changed: still the seeded ones, so in Spanish.
    assert "Dosis equivocada en la etiqueta" in spanish


def test_a_report_its_triage_and_the_dashboard_name_the_category_in_spanish(app, org):
    report_id = org.report("dsp@x.test", category="falls_mobility")
    supervisor = as_user(app, "sup@x.test")
    detail = supervisor.get(f"/reports/{report_id}?lang=es").get_data(as_text=True)
    assert f"<h1>NM-{report_id} · Caídas y movilidad</h1>" in detail
    queue = supervisor.get("/triage?lang=es").get_data(as_text=True)
    assert '<span class="meta">Caídas y movilidad</span>' in queue
    assert ">Caídas y movilidad</option>" in queue and ">Falls and mobility</option>" not in queue
    triage = supervisor.get(f"/triage/{report_id}?lang=es").get_data(as_text=True)
    assert "· Caídas y movilidad</h1>" in triage
    assert ">Negligencia</option>" in triage and ">Neglect</option>" not in triage
    dashboard = as_user(app, "quality@x.test").get("/dashboard?lang=es").get_data(as_text=True)
    assert ">Caídas y movilidad</option>" in dashboard and "Falls and mobility" not in dashboard
    mine = as_user(app, "dsp@x.test").get("/my-reports?lang=es").get_data(as_text=True)
    assert "Caídas y movilidad" in mine


def test_a_renamed_critical_incident_category_is_shown_as_typed(app, org):
    report_id = org.report("dsp@x.test")
    with app.app_context():
        neglect = db.session.scalar(select(IncidentCategory).where(IncidentCategory.code == "neglect"))
        neglect.name = "Neglect (state list 4b)"
        db.session.commit()
    triage = as_user(app, "sup@x.test").get(f"/triage/{report_id}?lang=es").get_data(as_text=True)
    assert ">Neglect (state list 4b)</option>" in triage and ">Abuso</option>" in triage


def test_the_taxonomy_api_follows_the_requests_language(app, org):
    dsp = as_user(app, "dsp@x.test")
    names = {
        c["code"]: c
        for c in dsp.get("/api/v1/taxonomy", headers={"Accept-Language": "es"}).get_json()["categories"]
    }
    assert names["transport"]["name"] == "Transporte"
    assert (
        names["transport"]["description"]
        == "Planes de transporte olvidados o inseguros, detectados a tiempo."
    )
    english = {c["code"]: c for c in dsp.get("/api/v1/taxonomy").get_json()["categories"]}
    assert english["transport"]["name"] == "Transport"
