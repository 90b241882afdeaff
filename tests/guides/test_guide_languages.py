"""Cue guides per language (issue 19 points 1 and 5): the Spanish guide at ``?lang=es``, versions
numbered per role and language, the "behind" notice, stored PDFs per language, and one full page."""

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.core.roles import Role
from app.extensions import db
from app.guides.defaults import DEFAULT_GUIDES, DEFAULT_GUIDES_ES, GUIDE_ROLES
from app.guides.models import CueGuideVersion, GuidePdf
from app.guides.operations import draw_on_one_page
from tests.factories import csrf_from_page, login

DEFAULTS = {"en": DEFAULT_GUIDES, "es": DEFAULT_GUIDES_ES}
SIZES = {"a4": (595, 842), "letter": (612, 792)}


@pytest.fixture
def people(app, make):
    make.user("dsp@x.test")
    make.user("trainer@x.test", roles=[Role.TRAINER], regions=[])


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.data))


def text_of(reader: PdfReader) -> str:
    return " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")


def lowest_text(page) -> float:
    """How far down the page text reaches, as a share of its height (0 top, 1 bottom)."""
    ys = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            ys.append(cm[5] + tm[5] * cm[3])

    page.extract_text(visitor_text=visit)
    return 1 - min(ys) / float(page.mediabox.height)


def as_form(content: dict, publish=True) -> dict:
    return {
        "title": content["title"],
        "definition": content["definition"],
        "cues": "\n".join(f"{c} | {e}" for c, e in content["cues"]),
        "stop_the_line": "\n".join(content["stop_the_line"]),
        "safeguarding": "\n".join(content["safeguarding"]),
        "how_to_report": content["how_to_report"],
        "contacts": "\n".join(f"{w} | {h}" for w, h in content["contacts"]),
        **({"publish": "on"} if publish else {}),
    }


def save(client, role, language, content, publish=True):
    path = f"/guides/{role}/edit?lang={language}"
    token = csrf_from_page(client, path)
    response = client.post(path, data={"csrf_token": token, **as_form(content, publish)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("role", GUIDE_ROLES)
def test_every_default_guide_fills_exactly_one_page_in_both_languages_and_sizes(app, people, role, language):
    dsp = as_user(app, "dsp@x.test")
    for size, mediabox in SIZES.items():
        reader = pdf_of(dsp.get(f"/guides/{role}.pdf?size={size}&lang={language}"))
        assert len(reader.pages) == 1
        page = reader.pages[0]
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == mediabox
        # Drawn in the roomy type, the guide reaches most of the way down the page (57% before).
        assert lowest_text(page) >= 0.75, f"{role} {language} {size} fills {lowest_text(page):.0%}"
        text = text_of(reader)
        assert DEFAULTS[language][role]["cues"][0][0] in text
        assert ("SEÑALES" if language == "es" else "CUES") in text.upper()


def type_size(html: str) -> float:
    """The body type a printable guide was drawn in (9 pt unless a larger one fitted)."""
    found = re.search(r"body \{ font-size: ([0-9.]+)pt; line-height: 1.3; \}", html)
    return float(found.group(1)) if found else 9.0


def test_a_longer_guide_gets_a_smaller_type_still_on_one_page_and_never_below_9_pt(app, people):
    longer = dict(DEFAULT_GUIDES["dsp"], cues=DEFAULT_GUIDES["dsp"]["cues"] * 2)
    with app.test_request_context():
        default_html, default_pdf = draw_on_one_page(
            DEFAULT_GUIDES["dsp"], "dsp", "letter", None, language="en"
        )
        longer_html, longer_pdf = draw_on_one_page(longer, "dsp", "letter", None, language="en")
        too_long = dict(longer, cues=longer["cues"] * 3)
        floor_html, floor_pdf = draw_on_one_page(too_long, "dsp", "letter", None, language="en")
    assert default_pdf.pages == longer_pdf.pages == 1
    assert 9 < type_size(longer_html) < type_size(default_html) <= 12
    assert type_size(floor_html) == 9 and floor_pdf.pages > 1  # refused by the page check, not shrunk


def test_the_spanish_guide_at_lang_es_and_the_page_in_the_requests_language(app, people):
    dsp = as_user(app, "dsp@x.test")
    response = dsp.get("/guides/dsp.pdf?size=letter&lang=es")
    reader = pdf_of(response)
    text = text_of(reader)
    assert DEFAULT_GUIDES_ES["dsp"]["title"] in text
    assert "Parar y actuar".upper() in text.upper() and "A quién llamar".upper() in text.upper()
    assert "Stop the line" not in text
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert "-es-letter.pdf" in response.headers["Content-Disposition"]
    page = dsp.get("/guides/dsp?lang=es").get_data(as_text=True)
    assert DEFAULT_GUIDES_ES["dsp"]["title"] in page and 'lang="es"' in page
    english = dsp.get("/guides/dsp", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert DEFAULT_GUIDES["dsp"]["title"] in english
    spanish_browser = dsp.get("/guides/dsp", headers={"Accept-Language": "es-US,es;q=0.9"})
    assert DEFAULT_GUIDES_ES["dsp"]["title"] in spanish_browser.get_data(as_text=True)


def test_versions_are_numbered_per_role_and_language(app, people):
    trainer = as_user(app, "trainer@x.test")
    save(trainer, "dsp", "en", dict(DEFAULT_GUIDES["dsp"], title="English one"))
    save(trainer, "dsp", "en", dict(DEFAULT_GUIDES["dsp"], title="English two"))
    save(trainer, "dsp", "es", dict(DEFAULT_GUIDES_ES["dsp"], title="Español uno"))
    with app.app_context():
        rows = db.session.execute(
            select(CueGuideVersion.language, CueGuideVersion.version, CueGuideVersion.published)
            .where(CueGuideVersion.role == "dsp")
            .order_by(CueGuideVersion.id)
        ).all()
    assert [tuple(r) for r in rows] == [("en", 1, False), ("en", 2, True), ("es", 1, True)]
    assert "Español uno" in text_of(pdf_of(trainer.get("/guides/dsp.pdf?lang=es")))
    assert "English two" in text_of(pdf_of(trainer.get("/guides/dsp.pdf?lang=en")))
    spanish_versions = trainer.get("/guides/dsp/versions?lang=es").get_data(as_text=True)
    assert "/guides/dsp/versions/1?lang=es" in spanish_versions
    assert "/guides/dsp/versions/2" not in spanish_versions
    assert "English one" in trainer.get("/guides/dsp/versions/1?lang=en").get_data(as_text=True)
    assert "Español uno" in trainer.get("/guides/dsp/versions/1?lang=es").get_data(as_text=True)


def test_a_guide_published_in_one_language_shows_the_other_is_behind(app, people):
    trainer = as_user(app, "trainer@x.test")
    index = trainer.get("/guides?lang=en").get_data(as_text=True)
    assert "is behind" not in index
    save(trainer, "nurse", "en", dict(DEFAULT_GUIDES["nurse"], title="Nurse v1"))
    index = trainer.get("/guides?lang=en").get_data(as_text=True)
    assert "Spanish version is behind: English v1, Spanish default" in index
    assert 'href="/guides/nurse/edit?lang=es"' in index
    save(trainer, "nurse", "es", dict(DEFAULT_GUIDES_ES["nurse"], title="Enfermería v1"))
    assert "is behind" not in trainer.get("/guides?lang=en").get_data(as_text=True)
    save(trainer, "nurse", "en", dict(DEFAULT_GUIDES["nurse"], title="Nurse v2"))
    index = trainer.get("/guides?lang=en").get_data(as_text=True)
    assert "Spanish version is behind: English v2, Spanish v1" in index
    edit = trainer.get("/guides/nurse/edit?lang=es").get_data(as_text=True)
    assert "La versión en español está atrasada: inglés v2, español v1" in edit
    # A draft is not what prints: saving one unpublished changes nothing.
    save(trainer, "nurse", "es", dict(DEFAULT_GUIDES_ES["nurse"], title="Enfermería borrador"), publish=False)
    assert "Spanish version is behind: English v2, Spanish v1" in trainer.get("/guides?lang=en").get_data(
        as_text=True
    )
    # Only those who edit guides see the notice.
    assert "is behind" not in as_user(app, "dsp@x.test").get("/guides?lang=en").get_data(as_text=True)


def stored(app, role):
    with app.app_context():
        rows = db.session.scalars(select(GuidePdf).where(GuidePdf.role == role)).all()
        return {(row.language, row.size): (row.version, row.data) for row in rows}


def test_stored_pdfs_are_kept_per_language_and_publishing_replaces_only_its_own(app, people):
    dsp = as_user(app, "dsp@x.test")
    english = dsp.get("/guides/supervisor.pdf?size=letter&lang=en").data
    spanish = dsp.get("/guides/supervisor.pdf?size=letter&lang=es").data
    assert stored(app, "supervisor") == {("en", "letter"): (None, english), ("es", "letter"): (None, spanish)}
    assert english != spanish
    trainer = as_user(app, "trainer@x.test")
    save(trainer, "supervisor", "es", dict(DEFAULT_GUIDES_ES["supervisor"], title="Supervisión, versión 1"))
    after = stored(app, "supervisor")
    assert after[("en", "letter")] == (None, english), "the English guide's stored PDF stays"
    assert {key: version for key, (version, _) in after.items() if key[0] == "es"} == {
        ("es", "a4"): 1,
        ("es", "letter"): 1,
    }
    assert "Supervisión, versión 1" in text_of(pdf_of(dsp.get("/guides/supervisor.pdf?size=letter&lang=es")))


def test_the_index_makes_printing_the_obvious_action_with_role_names_spelled_out(app, people):
    page = as_user(app, "dsp@x.test").get("/guides?lang=en").get_data(as_text=True)
    guides = page[page.index('<ul class="guide-list">') :]
    assert "Dsp" not in guides and "DSP guide" not in guides
    assert 'class="button primary" href="/guides/dsp.pdf?size=' in page
    assert "Print the guide for Direct support professionals (DSPs)" in page
    assert "Print in Spanish" in page and "lang=es" in page
    spanish = as_user(app, "dsp@x.test").get("/guides?lang=es").get_data(as_text=True)
    assert "Imprimir la guía para Profesionales de apoyo directo (DSP)" in spanish
    assert "Imprimir en inglés" in spanish
