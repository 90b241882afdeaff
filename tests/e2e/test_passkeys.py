"""Passkeys in a real browser: Chromium's virtual authenticator (DevTools WebAuthn domain) plays the
phone's platform authenticator. WebAuthn needs a secure context, so the pages are on
http://localhost:PORT (never 127.0.0.1)."""

from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import sign_in
from tests.e2e.journeys import sign_out_button, wait_until
from tests.factories import PASSWORD


@pytest.fixture
def localhost_url(app, live_server, monkeypatch):
    port = urlparse(live_server).port
    url = f"http://localhost:{port}"
    monkeypatch.setitem(app.config, "WEBAUTHN_RP_ID", "localhost")
    monkeypatch.setitem(app.config, "WEBAUTHN_ORIGINS", url)
    return url


@pytest.fixture
def phone_with_authenticator(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    devtools = context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    authenticator = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    yield page, devtools, authenticator["authenticatorId"]
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def sign_out(page):
    sign_out_button(page).click()
    page.wait_for_url("**/login")


def test_register_sign_in_revoke_and_be_refused(make, localhost_url, phone_with_authenticator, artifacts):
    page, devtools, authenticator_id = phone_with_authenticator
    make.user("dsp@x.test", regions=["North"])
    sign_in(page, localhost_url, "dsp@x.test", PASSWORD)

    page.goto(f"{localhost_url}/account")
    page.fill("#passkey-name", "Work phone")
    page.click("#add-passkey")
    page.wait_for_selector("#passkey-list >> text=Work phone")
    page.screenshot(path=artifacts / "passkeys-account.png", full_page=True)
    credentials = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})[
        "credentials"
    ]
    assert len(credentials) == 1 and credentials[0]["isResidentCredential"], "a discoverable passkey"

    sign_out(page)
    page.screenshot(path=artifacts / "passkeys-sign-in.png", full_page=True)
    page.click("#passkey-sign-in")
    page.wait_for_url("**/report")
    assert page.locator("#what_happened").is_visible(), "a DSP lands on the report form, nothing typed"

    page.goto(f"{localhost_url}/account")
    assert "Passkey" in page.inner_text("main")
    page.locator("button[data-passkey-revoke='Work phone']").click()
    page.wait_for_selector("text=You have no passkey yet.")

    sign_out(page)
    page.click("#passkey-sign-in")
    wait_until(page, "!document.getElementById('passkey-status').hidden")
    assert "not registered" in page.inner_text("#passkey-status")
    assert "/login" in page.url
