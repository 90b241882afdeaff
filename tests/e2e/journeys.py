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


WORKER_STATE = """navigator.serviceWorker.getRegistration().then((r) => r
    ? JSON.stringify({installing: r.installing?.state, waiting: r.waiting?.state, active: r.active?.state})
    : 'not registered')"""


# Bounded: Chromium may hold the answer until the stuck install ends.
UNREGISTER = """Promise.race([
    navigator.serviceWorker.getRegistration().then((r) => r && r.unregister()),
    new Promise((resolve) => setTimeout(() => resolve(false), 5000)),
])"""


def wait_for_service_worker(page):
    """Until the worker controls a page that was loaded through it, with the signed-in pages kept.

    - A worker whose install failed (one file of the app shell not answering on a busy machine) is
      registered again by the page's next load, as on a phone; ``serviceWorker.ready`` alone would wait
      for ever.
    - A worker still installing after 30 s waits on a request that will not answer (seen in CI, on a
      loaded machine; the worker gives such a request up after 20 s): it is unregistered, so that the
      next load installs a new one.
    - A page opened before the first worker took over started its scripts uncontrolled; it is loaded
      once more, through the worker, as a phone's next page would be.
    - The worker keeps the report form (``CACHE_PAGES``) after sign-in, a moment after the form shows:
      on the form, this waits for it, since a test that goes offline next needs it."""
    active = "navigator.serviceWorker.getRegistration().then((r) => Boolean(r && r.active))"
    for attempt in range(3):
        try:
            wait_until(page, active, timeout=30.0)
            break
        except AssertionError:
            if attempt == 2:
                state = page.evaluate(WORKER_STATE)
                raise AssertionError(
                    f"no active service worker after three loads of {page.url}: {state}"
                ) from None
            if '"installing"' in page.evaluate(WORKER_STATE):
                page.evaluate(UNREGISTER)
            page.reload()
    loaded_through_worker = "(performance.getEntriesByType('navigation')[0]?.workerStart || 0) > 0"
    if not page.evaluate(loaded_through_worker):
        page.reload()  # the worker is active: this load goes through it
    try:
        wait_until(page, "navigator.serviceWorker.controller !== null")
    except AssertionError:
        loaded = page.evaluate(loaded_through_worker)
        raise AssertionError(
            f"{page.url} not controlled (loaded through the worker: {loaded}): {page.evaluate(WORKER_STATE)}"
        ) from None
    if page.evaluate("location.pathname === '/report'"):
        wait_until(page, "caches.match('/report').then((hit) => Boolean(hit))", timeout=30.0)


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


def expect_badge(page, text: str) -> None:
    """Until the outbox badge reads ``text``: the page draws it once it has read the outbox, a moment
    after a load or a save."""
    wait_until(
        page,
        "(() => { const b = document.querySelector('#outbox-badge');"
        f" return Boolean(b) && !b.hidden && b.textContent === {text!r}; }})()",
    )
    assert badge_text(page) == text


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
