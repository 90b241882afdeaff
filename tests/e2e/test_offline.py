"""Offline capture and sync journeys (issue 3) against a live server in Debian's Chromium."""

import re
from datetime import datetime, timedelta

from sqlalchemy import update

from app.auth.models import UserSession
from app.core.models import now_utc
from app.extensions import db
from tests.e2e.conftest import sign_in
from tests.e2e.journeys import (
    expect_badge,
    file_report,
    outbox_states,
    sign_out_button,
    stored_reports,
    wait_for_outbox,
    wait_for_service_worker,
    wait_until,
)
from tests.factories import PASSWORD


def signed_in_dsp(make, phone, url):
    make.user("dsp@x.test", regions=["North"])
    sign_in(phone, url, "dsp@x.test", PASSWORD)
    wait_for_service_worker(phone)


def test_a_form_loads_offline_after_a_reload(make, live_server, phone):
    signed_in_dsp(make, phone, live_server)
    # The guides are cached in the background after sign-in; wait for that before losing signal.
    wait_until(phone, "caches.match('/guides/dsp').then((hit) => Boolean(hit))")
    phone.context.set_offline(True)
    phone.reload()
    assert phone.locator("#report-form").is_visible()
    assert "Is anyone still at risk right now?" in phone.content()
    phone.goto(f"{live_server}/guides/dsp")
    assert "Near-miss cues for direct support professionals" in phone.content(), "the cue guide works offline"
    phone.goto(f"{live_server}/my-reports")
    assert "No signal right now" in phone.content()


def test_b_three_offline_reports_arrive_once_each(app, make, live_server, phone, artifacts):
    signed_in_dsp(make, phone, live_server)
    phone.context.set_offline(True)
    for n in range(3):
        file_report(phone, f"Offline report number {n + 1}")
        assert "Saved on this phone" in phone.inner_text("#form-notice")
    expect_badge(phone, "3 waiting")
    assert outbox_states(phone) == ["waiting"] * 3
    phone.screenshot(path=str(artifacts / "outbox-waiting-phone.png"))
    phone.locator("#outbox-panel").scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "outbox-panel-waiting-phone.png"))
    assert stored_reports(app) == []

    phone.context.set_offline(False)
    wait_until(phone, "document.querySelector('#outbox-badge').hidden === true", timeout=20)
    texts = sorted(r.what_happened for r in stored_reports(app))
    assert texts == [f"Offline report number {n}" for n in (1, 2, 3)]
    assert outbox_states(phone) == ["sent"] * 3


def test_c_a_500_on_the_first_replay_is_retried(app, make, live, phone):
    signed_in_dsp(make, phone, live.url)
    phone.context.set_offline(True)
    file_report(phone, "Retried after a server error")
    live.faults.fail_next("POST", "/api/v1/reports/batch", 500)
    phone.context.set_offline(False)
    wait_until(phone, "document.querySelector('#outbox-badge').hidden === true", timeout=30)
    assert live.faults.seen == [("POST", "/api/v1/reports/batch", 500)]
    assert [r.what_happened for r in stored_reports(app)] == ["Retried after a server error"]


def test_d_rejected_report_needs_attention_then_is_fixed(app, make, live_server, phone, artifacts):
    signed_in_dsp(make, phone, live_server)
    phone.context.set_offline(True)
    next_year = (datetime.now() + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M")
    file_report(phone, "Report with a wrong date", occurred_at=next_year)
    phone.context.set_offline(False)
    phone.wait_for_selector(".outbox-entry.state-attention", timeout=20_000)
    entry = phone.locator(".outbox-entry.state-attention")
    assert "in the future" in entry.inner_text()
    expect_badge(phone, "1 waiting")
    entry.scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "outbox-needs-attention-phone.png"))
    assert stored_reports(app) == []

    entry.locator("button.fix").click()
    assert phone.input_value("#what_happened") == "Report with a wrong date"
    assert "in the future" in phone.inner_text("#report-form")
    phone.fill("#occurred_at", (datetime.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    phone.locator("button.big").click()
    phone.wait_for_selector("#form-notice.sent", timeout=20_000)
    assert [r.what_happened for r in stored_reports(app)] == ["Report with a wrong date"]
    assert outbox_states(phone) == ["sent"]


def test_e_session_expires_while_reports_wait(app, make, live_server, phone):
    signed_in_dsp(make, phone, live_server)
    phone.context.set_offline(True)
    file_report(phone, "Waiting through a sign-in, one")
    file_report(phone, "Waiting through a sign-in, two")
    with app.app_context():
        db.session.execute(update(UserSession).values(ended_at=now_utc()))
        db.session.commit()
    phone.context.set_offline(False)
    phone.wait_for_selector("[data-outbox-signin]:not([hidden])", timeout=20_000)
    assert outbox_states(phone) == ["waiting", "waiting"]
    assert stored_reports(app) == []

    phone.locator("[data-outbox-signin] a").click()
    phone.wait_for_selector("#outbox-login-note:not([hidden])")
    assert "2 reports are waiting" in phone.inner_text("#outbox-login-note")
    phone.fill("#email", "dsp@x.test")
    phone.fill("#password", PASSWORD)
    phone.click("button[type=submit]")
    wait_for_outbox(phone, ["sent", "sent"])
    assert sorted(r.what_happened for r in stored_reports(app)) == [
        "Waiting through a sign-in, one",
        "Waiting through a sign-in, two",
    ]


def test_g_sign_out_leaves_no_report_data_in_caches(app, make, live_server, phone):
    signed_in_dsp(make, phone, live_server)
    file_report(phone, "Zebra-striped secret detail")
    phone.wait_for_selector("#form-notice.sent", timeout=20_000)
    report_id = stored_reports(app)[0].id
    phone.goto(f"{live_server}/my-reports")
    phone.goto(f"{live_server}/reports/{report_id}")
    phone.evaluate(f"fetch('/api/v1/reports/{report_id}').then((r) => r.json())")
    assert "Zebra-striped" in phone.content()

    phone.goto(f"{live_server}/my-reports")
    sign_out_button(phone).click()
    phone.wait_for_url(f"{live_server}/login")
    cached = phone.evaluate(
        """async () => {
            const found = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) {
                    const text = await (await cache.match(request)).text();
                    found.push({ name, url: request.url, text });
                }
            }
            return found;
        }"""
    )
    assert cached, "the app shell stays cached"
    assert not [c["url"] for c in cached if "/api/" in c["url"]]
    assert not [c["url"] for c in cached if "Zebra-striped" in c["text"]]
    assert not [c["url"] for c in cached if c["name"].startswith("nearmiss-pages-")]
    phone.context.set_offline(True)
    phone.goto(f"{live_server}/reports/{report_id}")
    assert "No signal right now" in phone.content()
    assert "Zebra-striped" not in phone.content()
    phone.goto(f"{live_server}/report")
    assert "No signal right now" in phone.content(), "the signed-out user's form is gone too"


def test_sign_out_warns_and_keeps_waiting_reports(make, live_server, phone):
    signed_in_dsp(make, phone, live_server)
    phone.context.set_offline(True)
    file_report(phone, "Still waiting at sign-out")
    # Refuse deliveries before the network comes back: the "online" event starts a send at once.
    phone.route(re.compile(r".*/api/v1/reports(/batch)?$"), lambda route: route.abort())
    phone.context.set_offline(False)
    sign_out_button(phone).click()
    warning = phone.locator("#signout-warning")
    warning.wait_for(state="visible")
    assert "1 report is still waiting" in warning.inner_text()
    assert phone.locator("[data-account-menu] .menu-panel").is_hidden(), "the menu no longer covers it"
    warning.get_by_role("button", name="Sign out anyway").click()
    phone.wait_for_url(f"{live_server}/login")
    assert outbox_states(phone) == ["waiting"]
