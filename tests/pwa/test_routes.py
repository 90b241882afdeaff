"""Manifest, service worker and offline page as the server serves them."""

import json

from app.pwa.assets import asset_version


def test_manifest_is_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data())
    assert manifest["start_url"].startswith("/report")
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] and manifest["background_color"]
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_service_worker_is_served_from_the_root_with_its_version(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    source = response.get_data(as_text=True)
    assert "__NEARMISS_CONFIG__" not in source
    assert asset_version() in source
    assert '"/report"' in source and '"/static/css/app.css"' in source
    assert "/api/" in source  # the rule that keeps API answers out of every cache


def test_only_worker_modules_are_served_under_sw(client):
    assert client.get("/sw/outbox.js").status_code == 200
    assert client.get("/sw/sw.js").status_code == 404
    assert client.get("/sw/..%2Fpyproject.toml").status_code == 404


def test_offline_page_needs_no_sign_in_and_holds_no_user_data(client):
    response = client.get("/offline")
    assert response.status_code == 200
    assert "No signal right now" in response.get_data(as_text=True)
    assert "data-user-id" not in response.get_data(as_text=True)


def test_report_pages_and_api_are_never_cached(client, make):
    from tests.factories import login

    make.user("dsp@x.test")
    login(client, "dsp@x.test")
    for path in ("/report", "/my-reports", "/api/v1/taxonomy", "/api/v1/csrf"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_csrf_endpoint_names_the_session_user(client, make):
    from tests.factories import login

    user_id = make.user("dsp@x.test")
    assert client.get("/api/v1/csrf").get_json()["user_id"] is None
    login(client, "dsp@x.test")
    assert client.get("/api/v1/csrf").get_json()["user_id"] == user_id


def test_sign_out_leaves_nothing_in_the_http_cache_and_answers_at_once(client, make):
    """Signed-in pages are never stored by the browser (no-store), so sign-out has no HTTP cache to
    clear; it sends no ``Clear-Site-Data: "cache"``, which stalls Chromium's redirect for seconds
    (crbug.com/41343050). The worker's kept pages go by the sign-out guard (static/js/signout-guard.js)."""
    from tests.factories import csrf_from_page, login

    make.user("dsp@x.test")
    login(client, "dsp@x.test")
    assert client.get("/report").headers["Cache-Control"] == "no-store"
    response = client.post("/logout", data={"csrf_token": csrf_from_page(client, "/my-reports")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "Clear-Site-Data" not in response.headers


def test_every_answer_carries_the_security_headers(client, make):
    from tests.factories import login

    make.user("dsp@x.test")
    responses = [client.get("/login"), client.get("/api/v1/csrf"), client.get("/sw.js")]
    login(client, "dsp@x.test")
    responses += [client.get("/report"), client.get("/no-such-page")]
    for response in responses:
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_asset_version_follows_the_offline_page_and_the_translations(monkeypatch, tmp_path):
    """A deploy that changes only the words (or the offline page) is a new version, so the worker
    fetches the offline page again instead of keeping it in the old words."""
    import app.pwa.assets as assets

    words = tmp_path / "translations"
    words.mkdir()
    (words / "messages.mo").write_bytes(b"one")
    monkeypatch.setattr(assets, "CACHED_PAGE_SOURCES", (words,))
    assets.asset_version.cache_clear()
    before = assets.asset_version()
    (words / "messages.mo").write_bytes(b"two")
    assets.asset_version.cache_clear()
    try:
        assert assets.asset_version() != before
    finally:
        assets.asset_version.cache_clear()


def test_the_manifest_is_served_in_the_pages_language_and_kept_for_offline(client):
    spanish = json.loads(client.get("/manifest.webmanifest?lang=es").get_data())
    assert spanish["lang"] == "es"
    assert spanish["short_name"] == "Casi incidentes"
    assert spanish["name"].startswith("Casi incidentes · ")
    assert spanish["description"] == "Reporte un casi incidente en menos de un minuto, incluso sin señal."
    english = json.loads(client.get("/manifest.webmanifest").get_data())
    assert english["lang"] == "en" and english["short_name"] == "Near misses"
    assert english["description"] == "Report a near miss in under a minute, even with no signal."
    page = client.get("/login?lang=es").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest?lang=es">' in page
    source = client.get("/sw.js").get_data(as_text=True)
    config = json.loads(source.split("const CONFIG = ")[1].split(";\n")[0])
    assert config["manifest"] == "/manifest.webmanifest"
    assert config["manifests"] == ["/manifest.webmanifest?lang=en", "/manifest.webmanifest?lang=es"]
