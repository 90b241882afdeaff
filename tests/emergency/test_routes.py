"""Emergency access over HTTP: taking it, what it shows, what it never allows, and its expiry."""

from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.emergency.models import EmergencyAccess
from app.extensions import db
from app.notifications.models import Notification
from tests.emergency.conftest import events, move_grant_into_past, signed_in, take_access, user_id
from tests.factories import csrf_from_page


def test_the_page_warns_that_views_are_recorded_and_leads_are_alerted(app, org):
    page = signed_in(app, "nurse@x.test").get("/emergency").get_data(as_text=True)
    assert "Every report you open is recorded" in page
    assert "safeguarding lead and the administrators are alerted" in page
    assert '<option value="4"' in page and '<option value="8"' not in page  # the default maximum, 4 h


def test_bad_input_is_refused_clearly_and_keeps_what_was_typed(app, org):
    client = signed_in(app, "nurse@x.test")
    short = take_access(client, reason="urgent")
    assert short.status_code == 422
    assert "at least 10 characters" in short.get_data(as_text=True)
    assert ">urgent</textarea>" in short.get_data(as_text=True)
    too_long = take_access(client, hours="48")
    assert too_long.status_code == 422 and "between 1 and 4 hours" in too_long.get_data(as_text=True)
    assert "R-17 may be at risk" in too_long.get_data(as_text=True)
    no_token = client.post("/emergency", data={"reason": "x" * 20, "hours": "1"})
    assert no_token.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(EmergencyAccess)) is None


def test_a_nurse_under_emergency_access_reads_every_region_and_safeguarding_but_acts_on_nothing(app, org):
    client = signed_in(app, "nurse@x.test")
    for report_id in (org["south"], org["safeguarding"]):
        assert client.get(f"/reports/{report_id}").status_code == 404
        assert client.get(f"/api/v1/reports/{report_id}").status_code == 404

    started = take_access(client)
    assert started.status_code == 302 and started.headers["Location"].endswith("/reports")

    listing = client.get("/reports").get_data(as_text=True)
    for report_id in org.values():
        assert f"NM-{report_id}" in listing
    assert 'id="emergency-banner"' in listing
    for report_id in (org["south"], org["safeguarding"]):
        assert client.get(f"/reports/{report_id}").status_code == 200
        assert client.get(f"/api/v1/reports/{report_id}").status_code == 200
    confidential = client.get(f"/reports/{org['confidential']}").get_data(as_text=True)
    assert "Dsp2" not in confidential  # the reporter of a confidential report stays hidden
    assert client.get("/triage").status_code == 403
    assert client.get("/safeguarding").status_code == 403
    assert client.get("/emergency/grants").status_code == 403


def test_a_supervisor_under_emergency_access_still_triages_only_their_own_region(app, org):
    client = signed_in(app, "sup@x.test")
    take_access(client)
    assert client.get(f"/reports/{org['south']}").status_code == 200
    assert client.get(f"/triage/{org['south']}").status_code == 403
    token = csrf_from_page(client, "/report")
    answer = client.post(
        f"/triage/{org['south']}",
        data={"csrf_token": token, "severity": "minor", "recurrence": "first", "still_at_risk_now": "no"},
    )
    assert answer.status_code in (403, 404)  # a write request never carries the grant


def test_starting_alerts_the_safeguarding_lead_and_admin_who_can_review_the_grant(app, org):
    client = signed_in(app, "nurse@x.test")
    take_access(client)
    client.get(f"/reports/{org['south']}")
    client.get(f"/reports/{org['safeguarding']}")
    with app.app_context():
        told = {
            db.session.get(User, n.user_id).email
            for n in db.session.scalars(select(Notification).where(Notification.kind == "emergency_access"))
        }
        grant_id = db.session.scalar(select(EmergencyAccess.id))
    assert told == {"safeguarding@x.test", "admin@x.test"}
    for email in ("safeguarding@x.test", "admin@x.test"):
        reviewer = signed_in(app, email)
        assert reviewer.get("/notifications").status_code == 200
        listing = reviewer.get("/emergency/grants").get_data(as_text=True)
        assert "R-17 may be at risk" in listing and "Nurse" in listing
        detail = reviewer.get(f"/emergency/grants/{grant_id}").get_data(as_text=True)
        assert f"NM-{org['south']}" in detail and f"NM-{org['safeguarding']}" in detail
        assert "Reports opened under it (2)" in detail
    assert signed_in(app, "quality@x.test").get("/emergency/grants").status_code == 403
    assert signed_in(app, "quality@x.test").get(f"/emergency/grants/{grant_id}").status_code == 403


def test_emergency_access_expires_and_the_same_copied_cookie_sees_nothing_extra(app, org):
    client = signed_in(app, "nurse@x.test")
    take_access(client, hours="1")
    name = app.config["SESSION_COOKIE_NAME"]
    copied = app.test_client()
    copied.set_cookie(name, client.get_cookie(name).value)
    for each in (client, copied):
        assert each.get(f"/reports/{org['south']}").status_code == 200
        assert each.get(f"/reports/{org['safeguarding']}").status_code == 200

    move_grant_into_past(app, by=timedelta(minutes=59))
    assert copied.get(f"/reports/{org['south']}").status_code == 200  # a minute left
    move_grant_into_past(app, by=timedelta(minutes=1))

    for each in (copied, client):
        assert each.get(f"/reports/{org['south']}").status_code == 404
        assert each.get(f"/reports/{org['safeguarding']}").status_code == 404
        assert each.get(f"/api/v1/reports/{org['south']}").status_code == 404
        listing = each.get("/reports").get_data(as_text=True)
        assert f"NM-{org['south']}" not in listing and 'id="emergency-banner"' not in listing
        assert each.get(f"/reports/{org['own']}").status_code == 200  # their region's, as ever
    expired = events(app, "emergency_access.expire")
    assert len(expired) == 1 and expired[0][1] == "emergency_access"
    page = client.get("/emergency").get_data(as_text=True)
    assert "Take emergency access" in page and "Expired" in page


def test_ending_early_takes_the_access_away_at_once(app, org):
    client = signed_in(app, "nurse@x.test")
    take_access(client)
    with app.app_context():
        grant_id = db.session.scalar(select(EmergencyAccess.id))
    assert client.get(f"/reports/{org['south']}").status_code == 200
    token = csrf_from_page(client, "/emergency")
    assert client.post(f"/emergency/{grant_id}/end", data={"csrf_token": token}).status_code == 302
    assert client.get(f"/reports/{org['south']}").status_code == 404
    assert events(app, "emergency_access.end")[0][0] == user_id(app, "nurse@x.test")
    again = client.post(f"/emergency/{grant_id}/end", data={"csrf_token": token}, follow_redirects=True)
    assert "already ended" in again.get_data(as_text=True)


def test_only_the_holder_or_a_reviewer_can_end_a_grant(app, org):
    holder = signed_in(app, "nurse@x.test")
    take_access(holder)
    with app.app_context():
        grant_id = db.session.scalar(select(EmergencyAccess.id))
    other = signed_in(app, "dsp2@x.test")
    token = csrf_from_page(other, "/report")
    assert other.post(f"/emergency/{grant_id}/end", data={"csrf_token": token}).status_code == 404
    assert holder.get(f"/reports/{org['south']}").status_code == 200
    lead = signed_in(app, "safeguarding@x.test")
    token = csrf_from_page(lead, f"/emergency/grants/{grant_id}")
    answer = lead.post(f"/emergency/{grant_id}/end", data={"csrf_token": token})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/emergency/grants/{grant_id}")
    assert holder.get(f"/reports/{org['south']}").status_code == 404
    assert lead.post("/emergency/99999999999/end", data={"csrf_token": token}).status_code == 404
