"""Spanish beside English (issue 19) in Debian's Chromium: a DSP who chose Spanish files a report with
no signal and it syncs, switching the form's language offline in one tap; a supervisor triages in
Spanish on a tablet."""

import pytest

from app.auth.models import User
from app.core.roles import Role
from app.extensions import db
from tests.e2e.conftest import sign_in
from tests.e2e.journeys import (
    expect_badge,
    file_report,
    stored_reports,
    wait_for_service_worker,
    wait_until,
)
from tests.factories import PASSWORD


def _speaks_spanish(app, email):
    with app.app_context():
        db.session.query(User).filter_by(email=email).one().language = "es"
        db.session.commit()


@pytest.fixture
def tablet(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


def test_a_dsp_in_spanish_reports_offline_and_it_syncs(app, make, live_server, phone, artifacts):
    make.user("dsp@x.test", regions=["North"])
    _speaks_spanish(app, "dsp@x.test")
    sign_in(phone, live_server, "dsp@x.test", PASSWORD)
    wait_for_service_worker(phone)
    phone.goto(f"{live_server}/report")
    assert phone.get_attribute("html", "lang") == "es"
    assert "¿Alguien sigue en riesgo ahora?" in phone.content()
    # Both languages of the form are kept by the worker once it is installed.
    wait_until(phone, "caches.match('/report?lang=en').then((hit) => Boolean(hit))")
    wait_until(phone, "caches.match('/report?lang=es').then((hit) => Boolean(hit))")

    phone.context.set_offline(True)
    file_report(phone, "Cerradura de la puerta trasera rota")
    assert "Guardado en este teléfono — en espera de envío." in phone.inner_text("#form-notice")
    expect_badge(phone, "1 en espera")
    phone.screenshot(path=str(artifacts / "spanish-outbox-waiting-phone.png"))

    # One tap to English and back, with no signal: the worker has both.
    phone.locator(".language-switch a[hreflang=en]").click()
    phone.wait_for_load_state()
    assert phone.get_attribute("html", "lang") == "en"
    assert "Is anyone still at risk right now?" in phone.content()
    expect_badge(phone, "1 waiting")
    phone.locator(".language-switch a[hreflang=es]").click()
    phone.wait_for_load_state()
    assert "¿Alguien sigue en riesgo ahora?" in phone.content()
    # Every page tells the worker its language; the offline page of any other address follows it.
    wait_until(phone, "caches.match('/language').then((kept) => kept && kept.text()).then((l) => l === 'es')")
    phone.goto(f"{live_server}/my-reports")
    assert "No hay señal ahora" in phone.content(), "the offline page in the person's language"

    phone.context.set_offline(False)
    phone.goto(f"{live_server}/report")
    # The badge starts hidden before the outbox is read: wait for the panel to show the report sent.
    wait_until(phone, "document.querySelector('#outbox-panel').innerText.includes('Enviado')", timeout=30)
    assert phone.locator("#outbox-badge").is_hidden()
    assert [r.what_happened for r in stored_reports(app)] == ["Cerradura de la puerta trasera rota"]


def test_the_switch_online_saves_the_choice_to_the_account(app, make, live_server, phone):
    make.user("dsp@x.test", regions=["North"])
    sign_in(phone, live_server, "dsp@x.test", PASSWORD)
    phone.goto(f"{live_server}/report")
    assert phone.get_attribute("html", "lang") == "en"
    with phone.expect_navigation():
        phone.locator(".language-switch a[hreflang=es]").click()
    assert phone.get_attribute("html", "lang") == "es"
    phone.goto(f"{live_server}/my-reports")
    assert phone.get_attribute("html", "lang") == "es", "the choice is the account's now"
    with app.app_context():
        assert db.session.query(User).filter_by(email="dsp@x.test").one().language == "es"


def test_a_supervisor_triages_in_spanish_on_a_tablet(app, make, live_server, tablet, artifacts):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    _speaks_spanish(app, "sup@x.test")
    report_id = make.report("dsp@x.test", category="skin_integrity", what_happened="Talón rojo sin anotar")

    sign_in(tablet, live_server, "sup@x.test", PASSWORD)
    tablet.goto(f"{live_server}/triage")
    assert tablet.get_attribute("html", "lang") == "es"
    assert "Clasificación" in tablet.inner_text("h1")
    assert "en espera de clasificación" in tablet.content()
    tablet.goto(f"{live_server}/triage/{report_id}")
    assert "1. ¿Alguien sigue en riesgo ahora?" in tablet.content()
    assert tablet.inner_text("#proposed-level") == "elija gravedad y recurrencia"
    tablet.locator("label.choice:has(input[name=still_at_risk_now][value=no])").click()
    tablet.locator("label.choice:has(input[name=severity][value=low])").click()
    tablet.locator("label.choice:has(input[name=recurrence][value=single])").click()
    tablet.fill("#minimum_investigation", "Revisar el registro de la piel con el equipo")
    assert tablet.inner_text("#proposed-level") != "elija gravedad y recurrencia"
    tablet.evaluate("window.scrollTo(0, 0)")
    tablet.screenshot(path=str(artifacts / "spanish-triage-form-tablet.png"))
    with tablet.expect_navigation():
        tablet.locator("button.big").click()
    assert tablet.locator(".field-error").all_inner_texts() == []
    assert f"NM-{report_id} clasificado." in tablet.content()
