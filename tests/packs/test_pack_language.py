"""The oversight pack in Spanish (issue 19 point 1): headings and fixed texts in the language it was
asked in, ``<html lang>`` and the PDF's language with them; a pack drawn in the background remembers it."""

import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.packs.models import PackRender
from tests.factories import csrf_from_page
from tests.packs.test_packs import FIRST_WEEK, LAST_WEEK, PERIOD, as_user, org  # noqa: F401  (fixture)


def read(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")


def test_the_pack_asked_in_spanish_has_spanish_headings_and_language(app, org):  # noqa: F811
    manager = as_user(app, "manager@x.test")
    reader, text = read(manager.get(f"/packs/oversight.pdf?{PERIOD}&lang=es").data)
    assert reader.trailer["/Root"]["/Lang"] == "es"
    for heading in (
        "Resumen e indicadores frente a las metas",
        "Registro de acciones",
        "Integridad de la auditoría",
    ):
        assert heading in text
    assert "Casi incidentes reportados" in text and "Action register" not in text
    # The method notes (section 7) too: what "similar" means and how verification is computed.
    assert "Otro reporte es parecido al que se está clasificando" in text and "razón de tasas" in text
    assert "Another report is similar" not in text
    reader, text = read(manager.get(f"/packs/oversight.pdf?{PERIOD}").data)
    assert reader.trailer["/Root"]["/Lang"] == "en" and "Action register" in text
    assert "Another report is similar to the one being triaged" in text and "rate ratio" in text


def test_a_pack_drawn_in_the_background_keeps_the_language_it_was_asked_in(app, org):  # noqa: F811
    quality = as_user(app, "quality@x.test")
    token = csrf_from_page(quality, "/packs?lang=es")
    response = quality.post(
        "/packs/oversight/render?lang=es",
        data={"csrf_token": token, "from": str(FIRST_WEEK), "to": str(LAST_WEEK + timedelta(days=6))},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(PackRender.language)) == "es"
    # Collected later in English, the pack is still the Spanish one that was asked for.
    reader, text = read(quality.get(response.headers["Location"] + ".pdf").data)
    assert reader.trailer["/Root"]["/Lang"] == "es" and "Registro de acciones" in text


def test_the_spanish_pack_names_months_matrix_categories_and_charts_in_spanish(app, org):  # noqa: F811
    """Dates written by Babel (no English month), the triage matrix's rows and columns, the seeded
    category names and the charts' fixed words: all in Spanish (issue 19, point 1)."""
    from babel.dates import format_date

    manager = as_user(app, "manager@x.test")
    _reader, text = read(manager.get(f"/packs/oversight.pdf?{PERIOD}&lang=es").data)
    flat = " ".join(text.split())
    last_day = LAST_WEEK + timedelta(days=6)
    assert format_date(last_day, "dd MMMM y", locale="es") in flat
    assert format_date(last_day, "MMMM", locale="en") not in flat
    assert "Alcance Todas las regiones" in flat and "'EST" not in flat and "'EDT" not in flat
    assert "Gravedad potencial Único Repetido Grupo de casos" in flat
    assert "Baja Ninguna (registrar y aprender)" in flat
    assert "Caídas y movilidad" in flat and "Medicación" in flat
    assert "Falls and mobility" not in flat and "single repeat cluster" not in flat
    _reader, text = read(manager.get(f"/packs/oversight.pdf?{PERIOD}").data)
    flat = " ".join(text.split())
    assert format_date(last_day, "dd MMMM y", locale="en") in flat
    assert "Severity potential Single Repeat Cluster" in flat and "Falls and mobility" in flat


def test_the_spanish_pack_names_a_default_external_body_in_spanish(app, make, org_day):
    """The pack's external reports table: a default body's name in the pack's language (issue 19)."""
    from datetime import UTC

    from app.core.roles import Role
    from app.escalations.models import ExternalBody
    from app.escalations.operations import add_external_duty
    from app.reports.models import Report
    from tests.packs.test_packs import as_user as signed_in

    make.user("dsp@x.test", regions=["North"])
    make.user("manager@x.test", roles=[Role.MANAGER], regions=[])
    report_id = make.report("dsp@x.test")
    with app.app_context():
        aps = db.session.scalar(select(ExternalBody).where(ExternalBody.code == "adult_protective_services"))
        add_external_duty(db.session.get(Report, report_id), aps, tz=UTC)
        db.session.commit()
    period = f"from={org_day - timedelta(days=6)}&to={org_day}"
    manager = signed_in(app, "manager@x.test")
    _reader, text = read(manager.get(f"/packs/oversight.pdf?{period}&lang=es").data)
    flat = " ".join(text.split())
    assert "Servicios de Protección de Adultos (APS)" in flat and "Adult protective services" not in flat
    _reader, text = read(manager.get(f"/packs/oversight.pdf?{period}").data)
    assert "Adult protective services" in " ".join(text.split())
