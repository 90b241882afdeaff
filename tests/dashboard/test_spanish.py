"""The dashboard and the exposure page in Spanish (issue 19, point 1): ?lang=es; English unchanged."""

import pytest

from app.core.roles import Role
from tests.factories import login


@pytest.fixture
def client(app, make):
    make.user("dsp@x.test", regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    client = app.test_client()
    login(client, "quality@x.test")
    return client


def test_the_dashboard_in_spanish_and_in_english(client):
    spanish = client.get("/dashboard?lang=es").get_data(as_text=True)
    assert '<html lang="es">' in spanish
    assert "<h1>Panel semanal</h1>" in spanish and "Reportes por semana (gráfico de rachas)" in spanish
    assert "Gráfico de rachas: reportes por semana" in spanish  # the chart's own title
    english = client.get("/dashboard").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "<h1>Weekly dashboard</h1>" in english and "Run chart: reports per week" in english


def test_the_exposure_page_in_spanish(client):
    page = client.get("/dashboard/exposure?lang=es").get_data(as_text=True)
    assert "<h1>Visitas por región y semana</h1>" in page and "Importar un archivo CSV" in page


def test_the_weekly_review_and_the_pages_behind_it_in_spanish(client):
    review = client.get("/dashboard?lang=es").get_data(as_text=True)
    assert "Requiere atención ahora" in review and "Grupos de casos abiertos" in review
    assert 'aria-label="Páginas del panel"' in review and ">Tendencia</a>" in review
    timeliness = client.get("/dashboard/timeliness?lang=es").get_data(as_text=True)
    assert "<h1>Puntualidad</h1>" in timeliness and '<html lang="es">' in timeliness
