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


def test_the_settings_name_their_targets_and_units_in_spanish(client):
    page = client.get("/admin/settings?lang=es").get_data(as_text=True)
    assert '<label for="triage_target_hours">Clasificación en un plazo de (horas)</label>' in page
    assert (
        '<label for="session_idle_minutes">Cerrar sesión tras este tiempo de inactividad (minutos)</label>'
        in page
    )
    assert "(days)" not in page and "(minutes)" not in page
    english = client.get("/admin/settings").get_data(as_text=True)
    assert '<label for="triage_target_hours">Triage within (hours)</label>' in english


def test_a_setting_out_of_range_says_its_bounds_in_spanish_with_the_units_plural(app, client):
    from app.core.settings import all_settings

    with app.app_context():
        typed = {key: f"{value:g}" for key, value in all_settings().items()}
    token = csrf_from_page(client, "/admin/settings")
    typed.update(session_idle_minutes="100000", emergency_access_hours="0")
    refused = client.post("/admin/settings?lang=es", data={"csrf_token": token, **typed})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Cerrar sesión tras este tiempo de inactividad: entre 5 y 1440 minutos." in page
    assert "Acceso de emergencia: concesión más larga: entre 1 y 24 horas." in page


def test_the_units_plural_follows_the_number(app):
    from flask_babel import force_locale

    from app.core.settings import amount

    with app.app_context():
        assert amount(1, "hours") == "1 hour" and amount(24, "hours") == "24 hours"
        with force_locale("es"):
            assert amount(1, "days") == "1 día" and amount(2, "days") == "2 días"
