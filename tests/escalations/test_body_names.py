"""The default external bodies' names in the reader's language (issue 19, points 1 and 4): stored in
English, a default name shows in Spanish to a Spanish reader (a US one with the state's name, in
Spanish too); a name an administrator typed or changed shows exactly as typed."""

from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.jurisdiction import Jurisdiction, set_jurisdiction
from app.core.roles import Role
from app.escalations.deadlines import warn_of_deadlines
from app.escalations.models import ExternalBody
from app.escalations.operations import add_external_duty, ensure_default_external_bodies
from app.escalations.vocabulary import default_external_bodies, shown_body_name
from app.extensions import db
from app.notifications.models import Notification
from app.reports.models import Report
from tests.factories import login


def in_language(app, language):
    return app.test_request_context(f"/?lang={language}")


@pytest.mark.parametrize(
    ("code", "stored", "spanish"),
    [
        (
            "adult_protective_services",
            "Adult protective services",
            "Servicios de Protección de Adultos (APS)",
        ),
        ("emergency_911", "911 (police, fire, EMS)", "911 (policía, bomberos, ambulancia)"),
        ("licensing", "Licensing agency", "Agencia de licencias"),
        ("licensing", "New York licensing agency", "Agencia de licencias de Nueva York"),
        ("licensing", "Texas licensing agency", "Agencia de licencias de Texas"),
        (
            "state_incident_system",
            "North Carolina critical incident system",
            "Sistema de incidentes críticos de Carolina del Norte",
        ),
        ("state_incident_system", "State critical incident system", "Sistema estatal de incidentes críticos"),
        (
            "cqc",
            "CQC notification (Registration Regulation 18)",
            "Notificación a la CQC (Registration Regulation 18)",
        ),
        ("emergency_999", "999 (police, fire, ambulance)", "999 (policía, bomberos, ambulancia)"),
        ("emergency_services", "Emergency services", "Servicios de emergencia"),
    ],
)
def test_a_default_name_shows_in_spanish_and_unchanged_in_english(app, code, stored, spanish):
    with in_language(app, "es"):
        assert shown_body_name(code, stored) == spanish
        assert ExternalBody(code=code, name=stored).label == spanish
    with in_language(app, "en"):
        assert shown_body_name(code, stored) == stored


@pytest.mark.parametrize(
    ("code", "typed"),
    [
        ("licensing", "NYS Justice Center"),  # a default body renamed
        ("licensing", "New York licensing agency "),  # not the default as stored (a trailing space)
        ("licensing", "Atlantis licensing agency"),  # no state of that name
        ("justice_center", "Adult protective services"),  # a body of its own, named like a default
        ("adult_protective_services", "Adult Protective Services"),  # retyped in other capitals
    ],
)
def test_a_name_an_administrator_typed_shows_as_typed_in_both_languages(app, code, typed):
    for language in ("es", "en"):
        with in_language(app, language):
            assert ExternalBody(code=code, name=typed).label == typed


def test_every_jurisdictions_defaults_read_in_spanish(app):
    """Whatever the jurisdiction (and the state), each default body's stored name has a Spanish one."""
    for chosen in (
        Jurisdiction("us", ""),
        Jurisdiction("us", "NY"),
        Jurisdiction("uk"),
        Jurisdiction("other"),
    ):
        for spec in default_external_bodies(chosen):
            with in_language(app, "es"):
                spanish = shown_body_name(spec["code"], spec["name"])
            assert spanish != spec["name"], spec


def test_a_body_seeded_for_another_state_still_reads_in_spanish(app, ctx):
    """The licensing agency was seeded for New York; the organisation moved to Texas later: the stored
    New York name is still a default one (the app never renames a present body)."""
    body = db.session.scalar(select(ExternalBody).where(ExternalBody.code == "licensing"))
    body.name = "New York licensing agency"
    set_jurisdiction("us", "TX", actor=None)
    ensure_default_external_bodies()
    with in_language(app, "es"):
        assert body.label == "Agencia de licencias de Nueva York"


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    return make


def _duty(app, report_id, code):
    with app.app_context():
        report = db.session.get(Report, report_id)
        body = db.session.scalar(select(ExternalBody).where(ExternalBody.code == code))
        duty = add_external_duty(report, body, tz=UTC)
        db.session.commit()
        return duty.id


def test_a_spanish_reader_sees_the_spanish_body_names_on_the_report_and_the_work_list(app, org):
    report_id = org.report("dsp@x.test")
    _duty(app, report_id, "adult_protective_services")
    with app.app_context():
        typed = db.session.scalar(select(ExternalBody).where(ExternalBody.code == "licensing"))
        typed.name = "Office for People With Developmental Disabilities"
        db.session.commit()
    _duty(app, report_id, "licensing")
    client = app.test_client()
    login(client, "sup@x.test")

    spanish = client.get(f"/reports/{report_id}?lang=es").get_data(as_text=True)
    assert "<strong>Servicios de Protección de Adultos (APS)</strong>" in spanish
    assert "Reportado a Servicios de Protección de Adultos (APS)" in spanish  # its clock
    assert "<strong>Office for People With Developmental Disabilities</strong>" in spanish
    assert "Adult protective services" not in spanish
    work = client.get("/work?lang=es").get_data(as_text=True)
    assert f"NM-{report_id}: reportar a Servicios de Protección de Adultos (APS)" in work
    assert "Adult protective services" not in work

    english = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "<strong>Adult protective services</strong>" in english
    assert "Servicios de Protección" not in english


def test_a_deadline_warning_names_the_body_in_each_readers_language(app, org, ctx):
    org.user("sup-es@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    db.session.scalar(select(User).where(User.email == "sup-es@x.test")).language = "es"
    report = db.session.get(Report, org.report("dsp@x.test"))
    aps = db.session.scalar(select(ExternalBody).where(ExternalBody.code == "adult_protective_services"))
    duty = add_external_duty(report, aps, tz=UTC)
    assert warn_of_deadlines(now=duty.identified_at + timedelta(hours=12, minutes=1)) == 1

    def title(email):
        user = db.session.scalar(select(User).where(User.email == email))
        return db.session.scalar(select(Notification.title).where(Notification.user_id == user.id))

    assert "Servicios de Protección de Adultos (APS)" in title("sup-es@x.test")
    assert "the report to Adult protective services" in title("sup@x.test")


def test_safeguarding_triggers_and_decisions_read_in_the_readers_language(app):
    from app.escalations.vocabulary import SAFEGUARDING_DECISIONS, SAFEGUARDING_TRIGGERS

    with app.test_request_context("/?lang=es"):
        assert str(SAFEGUARDING_TRIGGERS["neglect"]) == "Señal de negligencia"
        assert str(SAFEGUARDING_DECISIONS["refer_external"]) == "Remitir a un organismo externo"
    with app.test_request_context("/?lang=en"):
        assert str(SAFEGUARDING_TRIGGERS["neglect"]) == "Neglect signal"


def test_how_soon_a_body_must_be_told_reads_in_words_and_the_readers_numbers(app):
    """A quarter of an hour is 15 minutes, not "0 hours"; half a day's business in Spanish has a comma."""
    from app.escalations.models import ExternalBody

    def body(amount, business_days=False):
        return ExternalBody(code="x", name="X", due_amount=amount, due_in_business_days=business_days)

    with app.test_request_context("/?lang=en"):
        assert body(0.25).due_words == "within 15 minutes"
        assert body(24).due_words == "within 24 hours"
        assert body(1).due_words == "within 1 hour"
        assert body(2, True).due_words == "within 2 business days"
    with app.test_request_context("/?lang=es"):
        assert body(0.25).due_words == "en 15 minutos"
        assert body(1.5, True).due_words == "en 1,5 días hábiles"
