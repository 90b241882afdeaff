"""Keyboard use of the report form: a report is filed in at most 15 tab stops from the page's top (the
skip link, then the questions: the time is "now" unless changed), focus moves to the confirmation once it
is sent, and every stop shows a focus ring of at least 3:1 against what surrounds it. At a phone's width
the sticky bar, even with the outbox badge, never hides the page's own message."""

from app.core.roles import Role
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

MOST_TAB_STOPS = 15
STOP = """() => {
    const el = document.activeElement;
    return {
        tag: el.tagName, name: el.name || '', type: el.type || '', id: el.id || '',
        cls: el.className || '', text: (el.innerText || el.value || '').trim().slice(0, 40),
    };
}"""
# The ring and what it is drawn against: a choice card's ring is on the card beside its hidden radio.
RING = """() => {
    const el = document.activeElement;
    const ring = el.matches('.choice input') ? el.nextElementSibling : el;
    const style = getComputedStyle(ring);
    let around = ring.parentElement;
    while (around && getComputedStyle(around).backgroundColor.match(/rgba\\(.*, 0\\)|transparent/)) {
        around = around.parentElement;
    }
    return {
        what: `${el.tagName} ${el.name || el.id || el.className || el.innerText.slice(0, 20)}`,
        style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor,
        background: around ? getComputedStyle(around).backgroundColor : 'rgb(255, 255, 255)',
    };
}"""


def _channels(css: str) -> tuple[float, ...]:
    return tuple(float(part) for part in css[css.index("(") + 1 : css.index(")")].split(",")[:3])


def contrast(first: str, second: str) -> float:
    def luminance(css):
        linear = [c / 255 for c in _channels(css)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in linear]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_a_report_is_filed_by_keyboard_in_few_tab_stops(make, live_server, browser, artifacts):
    make.user("dsp@x.test", regions=["North"])
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, live_server, "dsp@x.test", PASSWORD)
        page.goto(f"{live_server}/report")
        page.wait_for_selector("#when-value:has-text('Now')")
        stops = []
        while len(stops) <= 40:
            page.keyboard.press("Tab")
            stop = page.evaluate(STOP)
            stops.append(stop)
            if "skip-link" in stop["cls"]:
                page.keyboard.press("Enter")
            elif stop["name"] == "still_at_risk":
                page.keyboard.press("ArrowRight")  # to "No — safe now", which it also picks
            elif stop["id"] == "what_happened":
                page.keyboard.type("Bed rail left down after the wash")
            elif stop["name"] == "category":
                page.keyboard.press("Space")
            elif stop["id"] == "barrier":
                page.keyboard.type("Checked the rail before leaving")
            elif stop["tag"] == "BUTTON" and "big" in stop["cls"]:
                page.keyboard.press("Enter")
                break
        names = [s["name"] or s["id"] or s["text"] for s in stops]
        assert stops[0]["cls"] == "skip-link", names
        assert len(stops) <= MOST_TAB_STOPS, f"{len(stops)} tab stops: {names}"
        page.wait_for_selector("#form-notice.sent", timeout=20_000)
        assert page.evaluate("document.activeElement.id") == "form-notice", "focus moves to the confirmation"
        assert "your report is in" in page.inner_text("#form-notice")
        page.screenshot(path=str(artifacts / "report-sent-keyboard.png"))
    finally:
        context.close()


def test_the_time_can_still_be_changed_by_keyboard(make, live_server, browser):
    make.user("dsp@x.test", regions=["North"])
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        sign_in(page, live_server, "dsp@x.test", PASSWORD)
        page.goto(f"{live_server}/report")
        page.wait_for_selector("#when-value:has-text('Now')")
        assert page.locator("#occurred_at").is_hidden(), "the time is folded: it is now"
        page.focus("details.when summary")
        page.keyboard.press("Enter")
        assert page.locator("#occurred_at").is_visible()
        page.fill("#occurred_at", "2026-01-02T09:30")
        page.keyboard.press("Tab")
        assert "2026" in page.inner_text("#when-value") or "1/2" in page.inner_text("#when-value")
    finally:
        context.close()


def test_every_focus_ring_stands_out(make, live_server, browser):
    make.user("lead@x.test", roles=[Role.QUALITY_LEAD, Role.SUPERVISOR, Role.ADMIN], regions=["North"])
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, live_server, "lead@x.test", PASSWORD)
        weak = []
        for path in ("/report", "/actions"):
            page.goto(f"{live_server}{path}")
            seen = set()
            for _ in range(60):
                page.keyboard.press("Tab")
                ring = page.evaluate(RING)
                if ring["what"] in seen or ring["what"].startswith("BODY"):
                    break
                seen.add(ring["what"])
                ratio = contrast(ring["color"], ring["background"])
                if ring["style"] == "none" or ring["width"] < 2 or ratio < 3:
                    weak.append(f"{path} {ring['what']}: {ring['style']} {ring['width']}px, {ratio:.1f}:1")
            assert len(seen) > 10, f"walked the page's stops on {path}"
        assert weak == [], "\n".join(weak)
    finally:
        context.close()


def test_the_bar_never_hides_the_saved_on_this_phone_notice(make, live_server, browser, artifacts):
    make.user("lead@x.test", roles=[Role.QUALITY_LEAD, Role.SUPERVISOR, Role.ADMIN], regions=["North"])
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        sign_in(page, live_server, "lead@x.test", PASSWORD)
        page.goto(f"{live_server}/report")
        page.wait_for_selector("#when-value:has-text('Now')")
        context.set_offline(True)
        page.locator("label.choice:has(input[name=still_at_risk][value=no])").click()
        page.fill("#what_happened", "Bed rail left down")
        page.locator("label.category:has(input[value=falls_mobility])").click()
        page.fill("#barrier", "Noticed it in time")
        page.locator("button.big").click()
        page.wait_for_selector("#form-notice.waiting")
        page.wait_for_selector("#outbox-badge:not([hidden])")
        page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        bar = page.locator(".topbar").bounding_box()
        notice = page.locator("#form-notice").bounding_box()
        page.screenshot(path=str(artifacts / "saved-on-this-phone-390.png"))
        assert bar["height"] <= 100, "two rows at most, badge included"
        assert notice["y"] >= bar["y"] + bar["height"], "the notice starts below the sticky bar"
        context.set_offline(False)
    finally:
        context.close()
