"""What the outbox counts as delivered, a server asking it to wait, and reports from before an update
(issue 14, points 4, 5 and 10), in Debian's Chromium against a live server."""

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.reports.models import Report
from tests.e2e.conftest import sign_in
from tests.e2e.journeys import (
    expect_badge,
    file_report,
    outbox_states,
    stored_reports,
    wait_for_outbox,
    wait_for_service_worker,
    wait_until,
)
from tests.factories import PASSWORD

# Where the outbox sends reports: in batches, and one at a time after a batch refused whole.
REPORTS_API = re.compile(r".*/api/v1/reports(/batch)?$")

# Set on the page once any text on it reads "NM-null" (a "sent" report without a server id).
WATCH_FOR_NM_NULL = """() => {
    window.sawNmNull = false;
    const check = () => { if (document.body.innerText.includes('NM-null')) window.sawNmNull = true; };
    const watched = { subtree: true, childList: true, characterData: true };
    new MutationObserver(check).observe(document.body, watched);
    check();
}"""


def signed_in_dsp(make, phone, url) -> int:
    user_id = make.user("dsp@x.test", regions=["North"])
    sign_in(phone, url, "dsp@x.test", PASSWORD)
    wait_for_service_worker(phone)
    return user_id


def rows_with_uuid(app, client_uuid: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(Report.client_uuid == uuid.UUID(client_uuid)))


def queued_uuids(page) -> list[str]:
    return page.evaluate(
        """async () => {
            const { openOutbox, allEntries } = await import('/sw/outbox-db.js');
            const db = await openOutbox();
            const entries = await allEntries(db);
            db.close();
            return entries.map((e) => e.client_uuid);
        }"""
    )


def test_a_captive_portal_page_keeps_the_report_waiting_and_it_arrives_once(app, make, live_server, phone):
    signed_in_dsp(make, phone, live_server)
    portal_hits = []

    def captive_portal(route):
        portal_hits.append(route.request.method)
        page = "<html><body>Sign in to the Wi-Fi</body></html>"
        route.fulfill(status=200, content_type="text/html", body=page)

    # On the context, so a send from the service worker (Background Sync) meets the portal too.
    phone.context.route(REPORTS_API, captive_portal)
    phone.evaluate(WATCH_FOR_NM_NULL)
    file_report(phone, "Sent through a captive portal")
    assert "Saved on this phone" in phone.inner_text("#form-notice")
    assert portal_hits, "the report met the portal's page"
    assert outbox_states(phone) == ["waiting"]
    expect_badge(phone, "1 waiting")
    assert "perhaps a Wi-Fi sign-in page; trying again by itself" in phone.inner_text("#outbox-panel")
    assert stored_reports(app) == []
    [client_uuid] = queued_uuids(phone)

    phone.context.unroute(REPORTS_API)
    wait_for_outbox(phone, ["sent"], timeout=30)
    assert rows_with_uuid(app, client_uuid) == 1
    [report] = stored_reports(app)
    wait_until(phone, f"document.querySelector('#outbox-panel').innerText.includes('NM-{report.id}')")
    assert phone.evaluate("window.sawNmNull") is False
    assert "NM-null" not in phone.inner_text("body")


def test_b_a_server_asking_to_wait_is_waiting_not_needs_attention(app, make, live_server, phone):
    signed_in_dsp(make, phone, live_server)
    answered = []
    busy = [True]

    def too_many_while_busy(route):
        if not busy[0]:
            route.fallback()
            return
        answered.append(route.request.method)
        route.fulfill(
            status=429,
            headers={"Retry-After": "3"},
            content_type="application/json",
            body=json.dumps({"error": "rate_limited", "message": "Too many reports at once."}),
        )

    phone.context.route(REPORTS_API, too_many_while_busy)
    file_report(phone, "Sent while the server asks to wait")
    assert answered
    entry = phone.locator(".outbox-entry")
    assert entry.get_attribute("data-state") == "waiting"
    assert "Waiting to send" in entry.inner_text()
    assert "asked to wait" in entry.inner_text()
    assert "attention" not in (phone.locator("#outbox-badge").get_attribute("class") or "")
    assert "Needs attention" not in phone.inner_text("#outbox-panel")
    assert stored_reports(app) == []

    busy[0] = False
    wait_for_outbox(phone, ["sent"], timeout=30)
    assert [r.what_happened for r in stored_reports(app)] == ["Sent while the server asks to wait"]


def _version_one_entry(region_id: int, what: str) -> dict:
    """A queued report as outbox version 1 stored it: no owner, no delivery state."""
    occurred = (datetime.now(UTC) - timedelta(hours=2)).isoformat().replace("+00:00", "Z")
    body = {
        "client_uuid": str(uuid.uuid4()),
        "what_happened": what,
        "category": "falls_mobility",
        "occurred_at": occurred,
        "region_id": region_id,
        "still_at_risk": False,
        "barrier": "Noticed it in time",
    }
    return {"client_uuid": body["client_uuid"], "body": body, "photo": None, "created_at": 0}


# Replace the outbox with one as version 1 left it on the phone (its own schema, written out here).
SEED_VERSION_ONE = """async (entries) => {
    await new Promise((resolve, reject) => {
        const request = indexedDB.deleteDatabase('nearmiss-outbox');
        request.onsuccess = resolve;
        request.onerror = () => reject(request.error);
    });
    const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open('nearmiss-outbox', 1);
        request.onupgradeneeded = () => {
            const store = request.result.createObjectStore(
                'entries', { keyPath: 'seq', autoIncrement: true });
            store.createIndex('client_uuid', 'client_uuid', { unique: true });
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    });
    const tx = db.transaction('entries', 'readwrite');
    for (const entry of entries) tx.objectStore('entries').add(entry);
    await new Promise((resolve) => { tx.oncomplete = resolve; });
    db.close();
}"""


def test_c_reports_from_before_an_update_are_shown_and_sent_only_once_claimed(
    app, make, live_server, phone, artifacts
):
    dsp_id = signed_in_dsp(make, phone, live_server)
    region_id = make.region("North")
    claimed = _version_one_entry(region_id, "Written under the old outbox, mine")
    unwanted = _version_one_entry(region_id, "Written under the old outbox, not mine")
    # A page without the app's script, so nothing opens the outbox while it is replaced.
    phone.goto(f"{live_server}/healthz")
    phone.evaluate(SEED_VERSION_ONE, [claimed, unwanted])

    phone.goto(f"{live_server}/report")
    phone.wait_for_selector(".outbox-entry.state-unclaimed")
    panel = phone.locator("#outbox-panel")
    assert panel.locator(".state-unclaimed").count() == 2
    assert "Written before an update — send as Dsp?" in panel.inner_text()
    expect_badge(phone, "2 waiting")
    panel.scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "outbox-before-an-update-phone.png"))
    # A full delivery run leaves them alone: nothing goes in under whoever is signed in.
    phone.evaluate("import('/static/js/app.js').then((app) => app.sync()).then(() => true)")
    assert stored_reports(app) == []
    assert outbox_states(phone) == ["waiting", "waiting"]

    # The list shows the newest first: the second entry is the first item.
    items = panel.locator(".outbox-entry")
    phone.once("dialog", lambda dialog: dialog.dismiss())
    items.nth(0).locator("button.delete").click()
    assert panel.locator(".state-unclaimed").count() == 2, "a dismissed confirm deletes nothing"
    phone.once("dialog", lambda dialog: dialog.accept())
    items.nth(0).locator("button.delete").click()
    wait_until(phone, "document.querySelectorAll('.outbox-entry').length === 1")

    phone.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Send as Dsp").click()
    wait_for_outbox(phone, ["sent"])
    [report] = stored_reports(app)
    assert report.what_happened == "Written under the old outbox, mine"
    assert report.reporter_id == dsp_id
    assert str(report.client_uuid) == claimed["client_uuid"]
    assert "NM-null" not in panel.inner_text()
