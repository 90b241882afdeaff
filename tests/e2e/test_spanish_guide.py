"""A trainer downloads the Spanish DSP cue guide (issue 19, must show): from the guide index in Spanish,
the print button for DSPs gives ``/guides/dsp.pdf?lang=es``, one page, drawn as a PNG to look at."""

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from app.core.roles import Role
from app.guides.defaults import DEFAULT_GUIDES_ES
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_a_trainer_downloads_the_spanish_dsp_guide_on_one_page(app, make, live_server, browser, artifacts):
    make.user("trainer@x.test", roles=(Role.TRAINER,), regions=[])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-US")
    page = context.new_page()
    try:
        sign_in(page, live_server, "trainer@x.test", PASSWORD)
        page.goto(f"{live_server}/guides?lang=es")
        button = page.get_by_role("link", name="Imprimir la guía para Profesionales de apoyo directo (DSP)")
        assert button.is_visible()
        assert "primary" in (button.get_attribute("class") or "")
        href = button.get_attribute("href")
        assert href.startswith("/guides/dsp.pdf?") and "lang=es" in href
        page.screenshot(path=str(artifacts / "guides-index-es.png"), full_page=True)
        response = context.request.get(f"{live_server}{href}")
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        data = response.body()
    finally:
        context.close()

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert reader.trailer["/Root"]["/Lang"] == "es"
    text = reader.pages[0].extract_text().replace("\n", " ")
    assert DEFAULT_GUIDES_ES["dsp"]["title"] in text and "Stop the line" not in text
    pdf_path = artifacts / "guide-dsp-es.pdf"
    pdf_path.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", "-singlefile", str(pdf_path), str(artifacts / "guide-dsp-es")],
        check=True,
        timeout=60,
    )
    assert (artifacts / "guide-dsp-es.png").stat().st_size > 10_000
