"""The evidence packs page in Spanish (issue 19, point 1): ?lang=es; English unchanged."""

from app.core.roles import Role
from tests.factories import login


def test_the_packs_page_in_spanish_and_in_english(app, make):
    make.user("manager@x.test", roles=[Role.MANAGER], regions=[])
    client = app.test_client()
    login(client, "manager@x.test")
    spanish = client.get("/packs?lang=es").get_data(as_text=True)
    assert '<html lang="es">' in spanish
    assert "<h1>Paquete de evidencia para supervisión</h1>" in spanish and "Descargar el PDF" in spanish
    english = client.get("/packs").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "<h1>Oversight evidence pack</h1>" in english and "Download the PDF" in english
