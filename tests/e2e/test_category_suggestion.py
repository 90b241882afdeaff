"""The capture form's category hint in Chromium on a phone (issue 16, point 1): offered while online,
set only by a tap, and never in the way of offline capture."""

from tests.e2e.conftest import sign_in
from tests.e2e.journeys import file_report, outbox_states, wait_for_service_worker
from tests.factories import PASSWORD

MEDICATION_TEXT = "The MAR said 5mg but the pharmacy label said 10mg so I held the dose"
SUGGESTION_PATH = "/api/v1/category-suggestion"
PAST_THE_DEBOUNCE_MS = 1500


def signed_in_dsp(make, phone, url):
    make.user("dsp@x.test", regions=["North"])
    sign_in(phone, url, "dsp@x.test", PASSWORD)
    wait_for_service_worker(phone)


def suggestion_requests(phone) -> list:
    asked = []
    phone.on("request", lambda request: asked.append(request) if SUGGESTION_PATH in request.url else None)
    return asked


def test_typing_a_medication_text_offers_medication_and_a_tap_sets_it(make, live_server, phone, artifacts):
    signed_in_dsp(make, phone, live_server)
    asked = suggestion_requests(phone)

    phone.fill("#what_happened", MEDICATION_TEXT)
    use = phone.locator("#category-suggestion button")
    use.wait_for()

    slot = phone.locator("#category-suggestion")
    assert slot.get_attribute("aria-live") == "polite"
    assert "Looks like: Medication" in slot.inner_text()
    assert use.get_attribute("type") == "button"
    box = use.bounding_box()
    assert box["height"] >= 24 and box["width"] >= 24
    assert phone.locator("input[name=category]:checked").count() == 0, "never chosen without a tap"
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    slot.scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "report-form-category-suggestion-phone.png"))

    assert [request.method for request in asked] == ["POST"] * len(asked) and asked
    assert all(request.url.endswith(SUGGESTION_PATH) for request in asked), "no text in the URL"
    assert "10mg" in asked[-1].post_data
    assert not asked[-1].response().from_service_worker, "the worker leaves it to the network"

    use.tap()
    assert phone.locator("input[name=category][value=medication]").is_checked()
    assert "Category set to Medication" in slot.inner_text()
    phone.screenshot(path=str(artifacts / "report-form-category-suggestion-used-phone.png"))


def test_offline_nothing_is_asked_and_the_report_still_queues(make, live_server, phone):
    signed_in_dsp(make, phone, live_server)
    asked = suggestion_requests(phone)
    phone.context.set_offline(True)

    phone.fill("#what_happened", MEDICATION_TEXT)
    phone.wait_for_timeout(PAST_THE_DEBOUNCE_MS)

    assert asked == []
    assert phone.inner_text("#category-suggestion") == ""
    file_report(phone, MEDICATION_TEXT, category="medication")
    assert "Saved on this phone" in phone.inner_text("#form-notice")
    assert outbox_states(phone) == ["waiting"]


def test_a_failing_server_shows_no_suggestion_and_no_error(make, live, phone):
    signed_in_dsp(make, phone, live.url)
    live.faults.fail_next("POST", SUGGESTION_PATH, 500)
    asked = suggestion_requests(phone)

    with phone.expect_response(lambda response: SUGGESTION_PATH in response.url) as answered:
        phone.fill("#what_happened", MEDICATION_TEXT)
    assert answered.value.status == 500
    phone.wait_for_timeout(300)  # the page handles the answer

    assert len(asked) == 1 and live.faults.seen == [("POST", SUGGESTION_PATH, 500)]
    assert phone.inner_text("#category-suggestion") == ""
