"""The quality lead's weekly dashboard shows a signal in words and a detected cluster.

The clock is pinned (``frozen_now``): the live server runs in a thread of this process, so it sees the
same instant as the factories. The browser keeps its own clock, set to the same instant.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.core.dates import monday
from app.core.pseudonyms import pseudonym
from app.core.roles import Role
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

TZ = ZoneInfo("America/New_York")


def at(day: date) -> str:
    return datetime.combine(day, time(11), tzinfo=TZ).isoformat()


def test_dashboard_with_a_shift_and_a_cluster(
    app, frozen_now, org_day, make, live_server, browser, artifacts
):
    make.user("dsp@x.test", regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    last_week = monday(org_day) - timedelta(weeks=1)
    for weeks_back in range(1, 21):
        week = last_week - timedelta(weeks=weeks_back - 1)
        per_week = 5 if weeks_back <= 8 else 1  # reporting rose over the last eight weeks
        for n in range(per_week):
            make.report("dsp@x.test", category="falls_mobility", occurred_at=at(week + timedelta(days=n % 5)))
    for day in range(3):
        make.report(
            "dsp@x.test",
            category="medication",
            person_ref="JD-102",
            occurred_at=at(last_week + timedelta(days=day)),
        )

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.clock.set_system_time(frozen_now)
    sign_in(page, live_server, "quality@x.test", PASSWORD)
    page.goto(f"{live_server}/dashboard?from={last_week - timedelta(weeks=19)}&to={last_week}")
    signals = page.inner_text("ul.signals")
    assert "Shift:" in signals and "weeks in a row" in signals
    page.locator("nav.dashboard-nav a", has_text="Clusters").click()
    page.wait_for_url("**/dashboard/clusters?*")
    assert page.input_value("input[name=from]") == str(last_week - timedelta(weeks=19)), "the period is kept"
    page.locator("button:has-text('Run detection now')").click()
    clusters = page.inner_text(".cluster-list")
    with app.test_request_context():
        person = pseudonym("jd-102")
    assert f"person {person}" in clusters and "local rule: 3 reports within 28 days" in clusters
    assert "jd-102" not in clusters, "outside the person view the person is a pseudonym"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    widest = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
        .slice(0, 5)""")
    assert overflow <= 0, widest
    page.goto(f"{live_server}/dashboard?from={last_week - timedelta(weeks=19)}&to={last_week}")
    page.evaluate("document.querySelector('#trend-title').scrollIntoView()")
    page.screenshot(path=str(artifacts / "dashboard-signal.png"))
    page.goto(f"{live_server}/dashboard/clusters?from={last_week - timedelta(weeks=19)}&to={last_week}")
    page.evaluate("document.querySelector('#clusters-title').scrollIntoView()")
    page.screenshot(path=str(artifacts / "dashboard-cluster.png"))
    page.close()
