"""The review pages in Spanish (issue 19, point 1): ?lang=es or the browser's language; English unchanged."""

import pytest

from app.core.roles import Role
from tests.factories import csrf_from_page, login


@pytest.fixture
def client(app, make):
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    client = app.test_client()
    login(client, "quality@x.test")
    return client


def test_the_reviews_page_in_spanish_and_in_english(client):
    spanish = client.get("/reviews?lang=es").get_data(as_text=True)
    assert '<html lang="es">' in spanish
    assert "<h1>Revisiones</h1>" in spanish and "Iniciar una revisión" in spanish
    english = client.get("/reviews").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "<h1>Reviews</h1>" in english and "Start a review" in english and "Revisiones" not in english


def test_the_browser_language_chooses_spanish(client):
    page = client.get("/reviews/new", headers={"Accept-Language": "es-US,es;q=0.9"}).get_data(as_text=True)
    assert "<h1>Iniciar una revisión</h1>" in page and "Tipo de revisión" in page


def test_a_refused_review_says_why_in_spanish(client):
    token = csrf_from_page(client, "/reviews/new")
    refused = client.post("/reviews/new?lang=es", data={"csrf_token": token, "kind": "", "title": ""})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Elija el tipo de revisión." in html and "Vincule al menos un reporte." in html
    english = client.post("/reviews/new", data={"csrf_token": token, "kind": "", "title": ""})
    assert "Choose the kind of review." in english.get_data(as_text=True)
