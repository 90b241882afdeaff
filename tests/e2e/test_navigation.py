"""The top bar for the role with the most links, on a phone, a tablet held either way and a laptop:
the work links that fit stay on one row and the rest are under "More"; the account menu opens and
closes like a menu; no page scrolls sideways."""

import pytest

from app.core.roles import Role
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

WIDTHS = {"phone": 390, "tablet-portrait": 800, "tablet-landscape": 1100, "laptop": 1366}
ROW_AT_LEAST = {"phone": 3, "tablet-portrait": 4, "tablet-landscape": 6, "laptop": 9}


@pytest.mark.parametrize("device", WIDTHS)
def test_top_bar_and_account_menu(make, live_server, browser, artifacts, device):
    make.user("lead@x.test", roles=[Role.QUALITY_LEAD, Role.SUPERVISOR, Role.ADMIN], regions=["North"])
    context = browser.new_context(viewport={"width": WIDTHS[device], "height": 800}, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        sign_in(page, live_server, "lead@x.test", PASSWORD)
        page.goto(f"{live_server}/dashboard")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        bar_height = page.evaluate("document.querySelector('.topbar').getBoundingClientRect().height")
        assert bar_height <= (110 if device == "phone" else 70), "the sticky bar stays short"

        # The work links that fit stay on the row, in view; the rest are under "More", in order.
        nav = page.locator("nav[aria-label=Main]")
        on_row = nav.locator(":scope > a").all()
        assert on_row, "at least the first link stays on the row"
        for link in on_row:
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTHS[device], link.inner_text()
        more = nav.locator("[data-nav-more]")
        in_more = more.locator(".menu-panel a").all()
        names = [link.text_content().strip() for link in on_row + in_more]
        assert names[:3] == ["My work", "Report", "My reports"]
        assert {"Admin", "Safeguarding", "Packs"} <= set(names)
        assert len(names) == len(set(names)) == 12
        assert len(on_row) >= ROW_AT_LEAST[device], "the row holds as many links as fit"
        assert more.is_hidden() == (not in_more)
        current = nav.locator("a[aria-current=page]")
        assert current.count() == 1 and current.text_content() == "Dashboard", "the page you are on is marked"
        dashboard_in_more = "Dashboard" in [link.text_content() for link in in_more]
        assert ("holds-current" in (more.get_attribute("class") or "")) == dashboard_in_more
        if in_more:
            more.locator("summary").click()
            for link in in_more:
                assert link.is_visible()
            page.screenshot(path=str(artifacts / f"more-menu-{device}.png"))
            page.keyboard.press("Escape")
            assert more.locator(".menu-panel").is_hidden()

        menu = page.locator("[data-account-menu]")
        panel = menu.locator(".menu-panel")
        assert panel.is_hidden()
        menu.locator("summary").click()
        assert panel.is_visible()
        box = panel.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTHS[device], "the menu opens on screen"
        assert "Lead" in panel.inner_text()
        for name in ("Your account and passkeys", "Emergency access", "Sign out"):
            assert panel.get_by_text(name).is_visible()
        page.screenshot(path=str(artifacts / f"account-menu-{device}.png"))

        page.keyboard.press("Escape")
        assert panel.is_hidden()
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
        menu.locator("summary").click()
        page.mouse.click(4, 760)
        assert panel.is_hidden(), "a click elsewhere closes it"

        menu.locator("summary").click()
        panel.get_by_text("Your account and passkeys").click()
        page.wait_for_url("**/account")
    finally:
        context.close()
    assert errors == [], errors
