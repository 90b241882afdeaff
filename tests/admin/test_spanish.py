"""The administration pages in Spanish (issue 19, point 1): ?lang=es; English unchanged."""

import pytest

from app.core.roles import Role
from tests.factories import csrf_from_page, login


@pytest.fixture
def client(app, make):
    make.user("admin@x.test", roles=(Role.ADMIN,))
    client = app.test_client()
    login(client, "admin@x.test")
    return client


def test_the_administration_pages_in_spanish_and_in_english(client):
    spanish = client.get("/admin/?lang=es").get_data(as_text=True)
    assert '<html lang="es">' in spanish
    assert "<h1>Administración</h1>" in spanish and "Calendario de días hábiles" in spanish
    english = client.get("/admin/").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "<h1>Administration</h1>" in english and "Business-day calendar" in english
    assert "<h1>Usuarios</h1>" in client.get("/admin/users?lang=es").get_data(as_text=True)
    matrix = client.get("/admin/triage-matrix?lang=es").get_data(as_text=True)
    assert "<h1>Matriz de clasificación</h1>" in matrix


def test_a_refused_region_says_why_in_spanish(client):
    token = csrf_from_page(client, "/admin/regions")
    refused = client.post("/admin/regions?lang=es", data={"csrf_token": token, "name": ""})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "<h1>Regiones</h1>" in html and "Ese cambio no se hizo." in html
