"""Installability, the update flow that never loses a half-typed report, and photos from the phone."""

import io

from PIL import Image

from app.pwa import routes as pwa_routes
from tests.e2e.conftest import sign_in
from tests.e2e.journeys import (
    file_report,
    stored_reports,
    wait_for_outbox,
    wait_for_service_worker,
    wait_until,
)
from tests.factories import PASSWORD


def test_chromium_finds_the_app_installable(make, live_server, installed_profile):
    make.user("dsp@x.test", regions=["North"])
    phone = installed_profile.new_page()
    sign_in(phone, live_server, "dsp@x.test", PASSWORD)
    wait_for_service_worker(phone)
    session = installed_profile.new_cdp_session(phone)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors
    manifest = session.send("Page.getAppManifest")
    assert manifest["errors"] == []


def test_update_waits_for_a_half_typed_report(app, make, live_server, phone, monkeypatch):
    make.user("dsp@x.test", regions=["North"])
    sign_in(phone, live_server, "dsp@x.test", PASSWORD)
    wait_for_service_worker(phone)
    old_caches = phone.evaluate("caches.keys()")
    phone.fill("#what_happened", "Half-typed while an update arrives")
    phone.evaluate("window.__sameDocument = true")

    monkeypatch.setattr(pwa_routes, "asset_version", lambda: "next-version")
    phone.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    phone.wait_for_selector("#update-banner:not([hidden])", timeout=20_000)
    assert phone.evaluate("window.__sameDocument") is True, "the page must not reload"
    assert phone.input_value("#what_happened") == "Half-typed while an update arrives"

    phone.locator("label.choice:has(input[name=still_at_risk][value=no])").click()
    phone.locator("label.category:has(input[value=other])").click()
    phone.fill("#barrier", "Noticed it")
    with phone.expect_event("framenavigated", timeout=20_000):
        phone.locator("button.big").click()
    wait_until(phone, "navigator.serviceWorker.controller !== null")
    new_caches = phone.evaluate("caches.keys()")
    assert any("next-version" in name for name in new_caches)
    assert not set(old_caches) & set(new_caches), "old caches are cleaned on activate"
    wait_for_outbox(phone, ["sent"])
    assert [r.what_happened for r in stored_reports(app)] == ["Half-typed while an update arrives"]


def jpeg_with_location() -> bytes:
    image = Image.new("RGB", (2400, 1800), (30, 120, 200))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photo_is_downscaled_on_the_phone_and_stored_clean(app, make, live_server, phone):
    make.user("dsp@x.test", regions=["North"])
    sign_in(phone, live_server, "dsp@x.test", PASSWORD)
    wait_for_service_worker(phone)
    phone.set_input_files(
        "#photo", files=[{"name": "rail.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_location()}]
    )
    file_report(phone, "Bed rail with a photo")
    phone.wait_for_selector("#form-notice.sent", timeout=20_000)
    with app.app_context():
        from app.extensions import db
        from app.reports.models import Report

        report = db.session.query(Report).one()
        assert report.photo is not None
        assert max(report.photo.width, report.photo.height) <= 1600
        with Image.open(io.BytesIO(report.photo.data)) as stored:
            assert not stored.getexif()
