"""The capture form and report pages through the Flask test client."""

import uuid

import pytest
from sqlalchemy import func, select

from app.core.roles import Role
from app.extensions import db
from app.reports.models import Report
from tests.factories import csrf_from_page, login, yesterday_local


@pytest.fixture
def north(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("dsp2@x.test", regions=["South"])
    return make.region("North")


def form_data(client, region_id, **overrides):
    html = client.get("/report").get_data(as_text=True)
    client_uuid = html.split('name="client_uuid" value="', 1)[1].split('"', 1)[0]
    data = {
        "csrf_token": csrf_from_page(client, "/report"),
        "client_uuid": client_uuid,
        "still_at_risk": "no",
        "what_happened": "Sharps cabinet unlocked",
        "category": "equipment_environment",
        "barrier": "Noticed on arrival",
        "occurred_at": yesterday_local(),
        "region_id": str(region_id),
    }
    data.update(overrides)
    return data


def count_reports(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Report.id)))


def test_dsp_lands_on_the_form_with_defaults(client, north):
    assert login(client, "dsp@x.test").headers["Location"] == "/report"
    home = client.get("/").get_data(as_text=True)
    assert "What changed because you reported" in home and "Report a near miss" in home
    html = client.get("/report").get_data(as_text=True)
    assert "Is anyone still at risk right now?" in html
    assert f'<option value="{north}" selected>' in html
    uuid.UUID(html.split('name="client_uuid" value="', 1)[1].split('"', 1)[0])
    assert 'type="datetime-local"' in html and 'value="20' in html


def test_submit_shows_confirmation_and_next_steps(app, client, north, monkeypatch):
    login(client, "dsp@x.test")
    data = form_data(client, north, still_at_risk="yes")
    response = client.post("/report", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "your report is in" in html and "supervisor is alerted now" in html
    again = client.post("/report", data=data)
    assert "We already had this report" in again.get_data(as_text=True)
    assert count_reports(app) == 1
    mine = client.get("/my-reports").get_data(as_text=True)
    assert "Sharps cabinet unlocked" in mine and 'status-new">Received<' in mine


def test_errors_keep_what_was_typed(app, client, north):
    login(client, "dsp@x.test")
    data = form_data(
        client,
        north,
        still_at_risk="",
        category="",
        barrier="",
        what_happened="Typed with care <b>not html</b>",
        occurred_at="2099-01-01T10:00",
    )
    response = client.post("/report", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Typed with care &lt;b&gt;not html&lt;/b&gt;" in html
    assert "Answer yes or no." in html
    assert "Choose one of the listed categories." in html
    assert "Say what caught it." in html
    assert count_reports(app) == 0


def test_future_date_message_next_to_field(client, north):
    login(client, "dsp@x.test")
    response = client.post("/report", data=form_data(client, north, occurred_at="2099-01-01T10:00"))
    assert response.status_code == 422
    assert "in the future" in response.get_data(as_text=True)


def test_expired_csrf_keeps_the_answers(app, client, north):
    login(client, "dsp@x.test")
    data = form_data(client, north, csrf_token="expired", what_happened="Kept despite expiry")
    response = client.post("/report", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Kept despite expiry" in html and "form had expired" in html
    assert count_reports(app) == 0


def test_form_cannot_file_in_another_region(app, client, north, make):
    south = make.region("South")
    login(client, "dsp@x.test")
    response = client.post("/report", data=form_data(client, south))
    assert response.status_code == 403
    assert count_reports(app) == 0


def test_report_pages_respect_regions_and_confidentiality(app, client, north, make):
    confidential = make.report(
        "dsp@x.test", region="North", confidential=True, what_happened="Confidential visitor issue"
    )
    south_report = make.report("dsp2@x.test", region="South", what_happened="South only issue")
    login(client, "sup@x.test")
    listing = client.get("/reports").get_data(as_text=True)
    assert "Confidential visitor issue" in listing and "South only issue" not in listing
    assert "a colleague (confidential)" in listing and "Dsp</" not in listing
    detail = client.get(f"/reports/{confidential}").get_data(as_text=True)
    assert "A colleague (confidential)" in detail
    assert client.get(f"/reports/{south_report}").status_code == 404


def test_dsp_cannot_list_colleagues_reports(client, north):
    login(client, "dsp@x.test")
    home = client.get("/reports").get_data(as_text=True)
    assert "NM-" not in home


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "Not found" in response.get_data(as_text=True)


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "unavailable"
