"""A database that goes away mid-request answers 503 with Retry-After, never a 500."""

from sqlalchemy.exc import OperationalError

import app.reports.submission_flow as submission_flow
from tests.factories import api_token, login, report_body


def test_a_submission_during_a_database_outage_is_a_503_to_retry(app, client, make, monkeypatch):
    region = make.region("North")
    make.user("dsp@x.test")
    login(client, "dsp@x.test")
    token = api_token(client)

    def database_gone(*args, **kwargs):
        raise OperationalError("INSERT INTO reports", {}, Exception("server closed the connection"))

    monkeypatch.setattr(submission_flow, "submit_report", database_gone)
    response = client.post("/api/v1/reports", json=report_body(region), headers={"X-CSRFToken": token})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["error"] == "unavailable"
    assert "server closed" not in response.get_data(as_text=True)


def test_a_database_gone_at_the_session_check_is_a_503_too(app, client, make, monkeypatch):
    """The language of the answer is chosen from the signed-in person, whom the session check could
    not read: the error page falls back to the browser's language instead of failing again."""
    region = make.region("North")
    make.user("dsp@x.test")
    login(client, "dsp@x.test")
    token = api_token(client)

    def database_gone(*args, **kwargs):
        raise OperationalError("SELECT sessions", {}, Exception("server closed the connection"))

    monkeypatch.setattr(app.login_manager, "_user_callback", database_gone)
    response = client.post("/api/v1/reports", json=report_body(region), headers={"X-CSRFToken": token})
    assert response.status_code == 503
    assert response.get_json()["error"] == "unavailable"
    page = client.get("/my-reports", headers={"Accept-Language": "es"})
    assert page.status_code == 503
