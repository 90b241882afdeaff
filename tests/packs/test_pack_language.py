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
