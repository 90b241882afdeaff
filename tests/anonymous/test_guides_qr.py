"""The public link's QR code on the cue guides: the guide page shows every open link's code, and a
guide printed for a program carries that program's code on its one page."""

import io

from pypdf import PdfReader

from app.core.pdf import render_pdf
from app.guides.operations import PAGE_SIZES, guide_document
from tests.anonymous.helpers import admin_client, admin_post, program_with_link
from tests.factories import login
from tests.guides.test_guides import maximal_guide


def _dsp(app, make):
    make.user("dsp@x.test")
    client = app.test_client()
    login(client, "dsp@x.test")
    return client


def test_the_guide_page_shows_the_qr_code_of_each_open_link(app, make):
    program_id, _ = program_with_link(app, make)
    dsp = _dsp(app, make)
    html = dsp.get("/guides/dsp").get_data(as_text=True)
    assert "No account? Report without signing in" in html
    assert "Supported living - Elm St" in html and "data:image/svg+xml" in html
    assert f"/guides/dsp.pdf?program={program_id}" in html

    admin = admin_client(app)
    admin_post(admin, f"/admin/reporting-links/{program_id}/close")
    assert "No account?" not in dsp.get("/guides/dsp").get_data(as_text=True), "a closed link is not shown"


def test_a_guide_printed_for_a_program_carries_its_current_link_on_one_page(app, make):
    program_id, token = program_with_link(app, make)
    dsp = _dsp(app, make)
    for size in PAGE_SIZES:
        response = dsp.get(f"/guides/dsp.pdf?program={program_id}&size={size}")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        reader = PdfReader(io.BytesIO(response.data))
        assert len(reader.pages) == 1
        printed = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
        assert f"/r/{token}" in printed and "No account? Scan to report" in printed and "911" in printed

    admin = admin_client(app)
    admin_post(admin, f"/admin/reporting-links/{program_id}/rotate")
    rotated = PdfReader(io.BytesIO(dsp.get(f"/guides/dsp.pdf?program={program_id}").data))
    printed = "".join(page.extract_text() for page in rotated.pages).replace("\n", "")
    assert f"/r/{token}" not in printed, "a rotated link is never printed again"

    admin_post(admin, f"/admin/reporting-links/{program_id}/close")
    assert dsp.get(f"/guides/dsp.pdf?program={program_id}").status_code == 404
    assert dsp.get("/guides/dsp.pdf?program=abc").status_code == 404
    assert dsp.get("/guides/dsp.pdf").status_code == 200, "without a program, the guide as before"


def test_a_guide_at_every_limit_still_fits_one_page_with_the_public_qr_code(app, make):
    program_id, _ = program_with_link(app, make)
    with app.test_request_context():
        from app.guides.queries import public_reporting_link

        link = public_reporting_link(program_id)
        for size in PAGE_SIZES:
            assert render_pdf(guide_document(maximal_guide(), "dsp", size, 3, link)).pages == 1
