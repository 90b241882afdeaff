"""The documented nginx configuration (deploy/nginx.conf, run as it is on Debian's nginx, over TLS
and HTTP/2) compresses what holds no one's data and nothing else (issue 18, point 4).

Scripts, styles and the manifest: brotli for a browser that accepts it, else gzip (static files and
the worker's modules precompressed by `flask --app wsgi assets publish`, the service worker and the
manifest compressed on the way), the same bytes after decompression, `Vary: Accept-Encoding`. Pages
and API answers: never compressed (BREACH). The pages load the scripts bundled at publishing, and they
run.
"""

import gzip
import http.client
import re
import socket
import ssl
import urllib.parse
from http.cookies import SimpleCookie

import brotli
import pytest

from app.pwa.assets import SERVICE_WORKER_DIR, STATIC_DIR
from app.pwa.publish import ESBUILD
from tests.deploy.servers import Database, DocumentedNginx, Gunicorn, app_env, migrate_and_seed


def _tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
    return context


class Client:
    """Raw HTTPS requests (bytes and headers as sent), with a cookie jar of one session."""

    def __init__(self, port: int):
        self.port = port
        self.cookies = SimpleCookie()

    def get(
        self,
        path: str,
        *,
        gzip_ok: bool = True,
        brotli_ok: bool = False,
        method: str = "GET",
        body: str | None = None,
        headers=None,
    ):
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=_tls(), timeout=15)
        accepted = ["br"] * brotli_ok + ["gzip"] * gzip_ok or ["identity"]
        sent = {"Accept-Encoding": ", ".join(accepted), **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        raw = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(value)
        connection.close()
        return response, raw

    def sign_in(self, email: str, password: str) -> None:
        _, page = self.get("/login", gzip_ok=False)
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
        response, _ = self.get(
            "/login",
            method="POST",
            body=form,
            # The app sees https (X-Forwarded-Proto), so the CSRF check wants a same-origin Referer:
            # the site's own address, port included, which nginx passes on as the Host.
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://127.0.0.1:{self.port}/login",
            },
        )
        assert response.status == 302, response.status


@pytest.fixture(scope="module")
def site(postgres_server, nginx_binary, tmp_path_factory):
    if not ESBUILD.exists():
        pytest.skip("esbuild is not installed: publishing minifies with it (./dev.sh test runs npm ci)")
    folder = tmp_path_factory.mktemp("compression")
    database = Database(postgres_server).create()
    server = nginx = None
    try:
        seed = migrate_and_seed(database.url, folder / "migrate.log")
        server = Gunicorn(database.url, folder, "app", workers=1)
        # As deploy/nearmiss.env.example: the app servers load the pages' bundles nginx serves.
        server.env["PUBLISHED_STATIC_DIR"] = str(DocumentedNginx.published_static(folder))
        server.start()
        nginx = DocumentedNginx([server.address], folder, env=app_env(database.url)).start()
        yield nginx, seed
    finally:
        if nginx is not None:
            nginx.stop()
        if server is not None:
            server.stop()
        database.drop()


def test_the_documented_site_speaks_http2_over_tls(site):
    nginx, _ = site
    context = _tls()
    context.set_alpn_protocols(["h2", "http/1.1"])
    with context.wrap_socket(socket.create_connection(("127.0.0.1", nginx.port))) as tls:
        assert tls.selected_alpn_protocol() == "h2"


def published(nginx, path: str, suffix: str) -> bytes:
    """The compressed copy "assets publish" wrote for ``path`` (/static/... or the worker's /sw/...)."""
    relative = path.removeprefix("/static/").removeprefix("/")
    return (nginx.published / "static" / relative).with_name(path.rsplit("/", 1)[1] + suffix).read_bytes()


@pytest.mark.parametrize(
    ("path", "source", "content_type"),
    [
        ("/static/js/report-form.js", STATIC_DIR / "js" / "report-form.js", "application/javascript"),
        ("/static/css/app.css", STATIC_DIR / "css" / "app.css", "text/css"),
        ("/sw/outbox.js", SERVICE_WORKER_DIR / "outbox.js", "application/javascript"),
    ],
)
def test_static_files_and_the_workers_modules_are_sent_precompressed(site, path, source, content_type):
    nginx, _ = site
    client = Client(nginx.port)
    # The published copy: minified by "assets publish", smaller than the source as written.
    original = (nginx.published / "static" / path.removeprefix("/static/").removeprefix("/")).read_bytes()
    assert len(original) < len(source.read_bytes())

    response, raw = client.get(path, brotli_ok=True)
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["Content-Type"].startswith(content_type)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-cache"
    assert brotli.decompress(raw) == original
    # The published .br itself (best quality, made once), not compressed again for this request.
    assert raw == published(nginx, path, ".br")
    brotli_size = len(raw)

    response, raw = client.get(path)
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(raw) == original
    assert raw == published(nginx, path, ".gz")
    assert brotli_size < len(raw) < len(original) * 0.6

    response, raw = client.get(path, gzip_ok=False)
    assert response.status == 200
    assert response.headers.get("Content-Encoding") is None
    assert raw == original


def test_the_service_worker_and_the_manifest_are_compressed_on_the_way(site):
    nginx, _ = site
    client = Client(nginx.port)
    for path in ("/sw.js", "/manifest.webmanifest"):
        response, raw = client.get(path)
        assert response.status == 200 and response.headers["Content-Encoding"] == "gzip", path
        gzip.decompress(raw)
    response, _ = client.get("/sw/not-a-module.js")
    assert response.status == 404, "only the worker's shared modules are served under /sw/"


def test_pages_and_api_answers_are_never_compressed(site):
    nginx, seed = site
    client = Client(nginx.port)
    client.sign_in(seed["email"], seed["password"])
    for path in ("/report", "/my-reports", "/api/v1/csrf", "/api/v1/taxonomy"):
        response, raw = client.get(path, brotli_ok=True)
        assert response.status == 200, path
        assert response.headers.get("Content-Encoding") is None, path
    response, raw = client.get("/report")
    assert b"what_happened" in raw and b'rel="modulepreload"' in raw


def test_pages_load_the_published_bundles_sent_precompressed(site):
    nginx, seed = site
    client = Client(nginx.port)
    client.sign_in(seed["email"], seed["password"])
    _, page = client.get("/report")
    scripts = re.findall(rb'<script type="module" src="([^"]+)"></script>', page)
    preloads = re.findall(rb'<link rel="modulepreload" href="([^"]+)">', page)
    assert [s.decode() for s in scripts] == ["/static/bundles/js/app.js", "/static/bundles/js/report-form.js"]
    assert preloads and all(p.startswith(b"/static/bundles/chunks/") for p in preloads)
    for path in [s.decode() for s in scripts + preloads]:
        response, raw = client.get(path, brotli_ok=True)
        assert response.status == 200 and response.headers["Content-Encoding"] == "br", path
        assert raw == published(nginx, path, ".br")


def test_the_report_form_runs_from_the_bundles(site, browser):
    """The bundled scripts do what the modules do: the form is sent and confirmed (report-form.js and
    the outbox), the top bar measured (app.js). (No service worker here: Chromium registers none on a
    site whose certificate it does not trust, as this test's self-signed one.)"""
    nginx, seed = site
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors, scripts = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: scripts.append(request.url) if request.url.endswith(".js") else None)
    try:
        page.goto(f"{nginx.url}/login")
        page.fill("#email", seed["email"])
        page.fill("#password", seed["password"])
        page.locator("button[type=submit]").first.click()
        page.wait_for_url("**/report")
        page.locator("label.choice:has(input[value=no])").click()
        page.fill("#what_happened", "Bed rail loose at the top")
        page.locator("label.category").first.click()
        page.fill("#barrier", "Checked before bedtime")
        page.locator("button.big").click()
        page.wait_for_selector(".form-notice.sent")
        height = page.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--topbar-height')"
        )
        assert height.endswith("px"), height
    finally:
        context.close()
    assert errors == [], errors
    page_scripts = [url for url in scripts if "/static/" in url]
    assert page_scripts and all("/static/bundles/" in url for url in page_scripts), page_scripts


def test_a_static_file_missing_on_the_nginx_machine_is_asked_of_the_app(site):
    nginx, _ = site
    copy = nginx.published / "static" / "js" / "menus.js"
    for name in ("menus.js", "menus.js.gz", "menus.js.br"):
        copy.with_name(name).unlink()
    response, raw = Client(nginx.port).get("/static/js/menus.js", gzip_ok=False)
    assert response.status == 200
    assert raw == (STATIC_DIR / "js" / "menus.js").read_bytes()


def test_metrics_stay_closed(site):
    nginx, _ = site
    response, _ = Client(nginx.port).get("/metrics")
    assert response.status == 404
