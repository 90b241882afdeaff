"""Steps shared by the browser journeys."""

from sqlalchemy import select

from app.extensions import db
from app.reports.models import Report


def wait_until(page, expression: str, timeout: float = 20.0) -> None:
    """Poll a JavaScript expression from Python. (Playwright's wait_for_function evaluates strings
    inside the page, which the app's Content-Security-Policy rightly forbids.)"""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(100)


def wait_for_service_worker(page):
    """Until the worker controls the page (so the app shell and the form are cached).

    A navigation that starts while the first worker is still installing stays uncontrolled even after
    ``clients.claim()`` (the claim can run before the new document exists); a phone's next page load
    is controlled, so after the worker is ready the page is loaded once more if it still is not."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    try:
        wait_until(page, "navigator.serviceWorker.controller !== null", timeout=5.0)
    except AssertionError:
        page.reload()
        wait_until(page, "navigator.serviceWorker.controller !== null")


def file_report(
    page,
    what: str,
    *,
    at_risk: bool = False,
    category: str = "falls_mobility",
    barrier: str = "Noticed it in time",
    occurred_at: str | None = None,
):
    page.locator(f"label.choice:has(input[name=still_at_risk][value={'yes' if at_risk else 'no'}])").click()
    page.fill("#what_happened", what)
    page.locator(f"label.category:has(input[value={category}])").click()
    page.fill("#barrier", barrier)
    if occurred_at:
        page.locator("details.when").evaluate("(when) => { when.open = true; }")  # the time folds at "now"
        page.fill("#occurred_at", occurred_at)
    page.locator("button.big").click()
    page.wait_for_selector("#form-notice:not([hidden])")


def badge_text(page) -> str | None:
    badge = page.locator("#outbox-badge")
    return badge.inner_text() if badge.is_visible() else None


def outbox_states(page) -> list[str]:
    return page.evaluate(
        """async () => {
            const { openOutbox, allEntries } = await import('/sw/outbox-db.js');
            const db = await openOutbox();
            const entries = await allEntries(db);
            db.close();
            return entries.map((e) => e.state);
        }"""
    )


def stored_reports(app) -> list[Report]:
    with app.app_context():
        reports = list(db.session.scalars(select(Report).order_by(Report.id)))
        db.session.expunge_all()
        return reports


def wait_for_outbox(page, expected: list[str], timeout: float = 20.0) -> None:
    """Poll the outbox until its states are ``expected`` (e.g. everything "sent")."""
    import time

    deadline = time.monotonic() + timeout
    states = None
    while time.monotonic() < deadline:
        states = outbox_states(page)
        if states == expected:
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"outbox states {states}, expected {expected}")


def sign_out_button(page):
    """The sign-out button, in the account menu: opened first when it is closed."""
    menu = page.locator("[data-account-menu]")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    return page.locator("form[data-signout] button")
