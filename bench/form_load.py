"""The report form, cold, on a slow phone: 300 ms round trip, 750 kbit/s each way (issue 18, point 4).

    python -m bench.form_load [--samples 5]

Debian's Chromium loads /report signed in, with nothing cached (a new browser context per load,
service workers blocked so only the page's own requests count), throttled by Chromium's
`Network.emulateNetworkConditions`. Three ways of serving the same app, measured in the same run,
interleaved, each behind Debian's nginx over TLS and HTTP/2:

- baseline: the page without its modulepreload links (scripts found one import level at a time)
  and nothing compressed, nginx only proxying, as before issue 18;
- preload only: the pages as they are, nothing compressed;
- documented deployment: deploy/nginx.conf as it is (static files and the worker's modules published
  by `flask assets publish`: minified, with brotli and gzip copies, the pages' scripts bundled), the
  app servers told where (``PUBLISHED_STATIC_DIR``), so the pages load the bundles.

Printed per way (medians): the load event, when the last script arrived, the number of sequential
round trips the scripts took (a script asked for after another script's answer had arrived starts a
new round), and the bytes on the wire for the page, styles and scripts.
"""

import argparse
import re
import statistics
import tempfile
from pathlib import Path

from app import create_app
from app.config import TestConfig
from bench.common import PASSWORD, bench_app, serve
from bench.outbox_sync import CHROMIUM_FLAGS
from tests.deploy.servers import (
    DOCUMENTED_NGINX_WRAPPER,
    NGINX,
    DocumentedNginx,
    ManagedProcess,
    app_env,
    free_port,
    self_signed_certificate,
)

RTT_MS = 300
KBIT_PER_S = 750
PRELOAD_LINK = re.compile(rb'<link rel="modulepreload" href="[^"]*">\n?')

# nginx in front of one app server over TLS and HTTP/2, proxying everything, compressing nothing.
PLAIN_PROXY_SITE = """\
upstream app {{ server {upstream}; keepalive 8; }}
server {{
    listen 127.0.0.1:{port} ssl http2;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    gzip off;
    location / {{
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-Proto $scheme;
    }}
}}
"""

# Everything the page loaded, read after the load event.
TIMINGS = """() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource').map((r) => ({
        name: new URL(r.name).pathname, start: r.startTime, end: r.responseEnd,
        transfer: r.transferSize, decoded: r.decodedBodySize,
    }));
    return { load: nav.loadEventEnd, html: nav.transferSize, html_decoded: nav.decodedBodySize, resources };
}"""


class WithoutPreloads:
    """The app's pages with their modulepreload links taken out: how the scripts loaded before."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers

        body = b"".join(self.app(environ, capture))
        headers = captured["headers"]
        if any(k.lower() == "content-type" and v.startswith("text/html") for k, v in headers):
            body = PRELOAD_LINK.sub(b"", body)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        start_response(captured["status"], headers)
        return [body]


class PlainProxy:
    def __init__(self, upstream: str, folder: Path):
        self.port = free_port()
        self.prefix = folder / "plain-nginx"
        self.upstream = upstream
        self.process = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> "PlainProxy":
        import os
        import socket
        import time

        self.prefix.mkdir(parents=True, exist_ok=True)
        cert, key = self_signed_certificate(self.prefix / "tls")
        site = PLAIN_PROXY_SITE.format(upstream=self.upstream, port=self.port, cert=cert, key=key)
        user = "user root root;" if os.geteuid() == 0 else ""
        conf = self.prefix / "nginx.conf"
        conf.write_text(DOCUMENTED_NGINX_WRAPPER.format(user=user, prefix=self.prefix, site=site))
        command = [NGINX, "-e", str(self.prefix / "error.log"), "-p", str(self.prefix), "-c", str(conf)]
        self.process = ManagedProcess("nginx", command, env=dict(os.environ), log=self.prefix / "stdout.log")
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if self.process.popen.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start:\n{self.process.output_tail()}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


def script_rounds(scripts: list[dict]) -> int:
    """Sequential round trips: a script asked for once another script's answer had arrived could not
    have been asked for with it, so it starts a new round."""
    rounds, first_answer = 0, None
    for script in sorted(scripts, key=lambda s: s["start"]):
        if first_answer is None or script["start"] >= first_answer:
            rounds += 1
            first_answer = script["end"]
        first_answer = min(first_answer, script["end"])
    return rounds


def cold_load(browser, base_url: str) -> dict:
    context = browser.new_context(ignore_https_errors=True, service_workers="block")
    try:
        page = context.request.get(f"{base_url}/login").text()
        token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        # On https the app checks the Referer against the Host nginx passes on (port included).
        signed_in = context.request.post(
            f"{base_url}/login",
            form={"email": "bench@x.test", "password": PASSWORD, "csrf_token": token},
            headers={"Referer": f"{base_url}/login"},
            max_redirects=0,
        )
        assert signed_in.status == 302, signed_in.status
        tab = context.new_page()
        errors = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        cdp = context.new_cdp_session(tab)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": RTT_MS,
                "downloadThroughput": KBIT_PER_S * 1000 / 8,
                "uploadThroughput": KBIT_PER_S * 1000 / 8,
            },
        )
        tab.goto(f"{base_url}/report", wait_until="load")
        assert tab.locator("textarea[name=what_happened]").count() == 1, "not the report form"
        timings = tab.evaluate(TIMINGS)
        assert errors == [], f"JavaScript errors on the page: {errors}"
    finally:
        context.close()
    scripts = [r for r in timings["resources"] if r["name"].endswith(".js")]
    styles = [r for r in timings["resources"] if r["name"].endswith(".css")]
    return {
        "load": timings["load"] / 1000,
        "scripts_done": max(s["end"] for s in scripts) / 1000,
        "rounds": script_rounds(scripts),
        "scripts": len(scripts),
        "html": (timings["html"], timings["html_decoded"]),
        "css": (sum(s["transfer"] for s in styles), sum(s["decoded"] for s in styles)),
        "js": (sum(s["transfer"] for s in scripts), sum(s["decoded"] for s in scripts)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="nearmiss-bench-form-"))
    app, _ = bench_app(f"sqlite:///{folder}/bench.sqlite3")
    current_url, _, stop_current = serve(app)
    before_url, _, stop_before = serve(WithoutPreloads(app))
    # The documented deployment's app servers load the bundles nginx's published folder holds.
    published = DocumentedNginx.published_static(folder)

    class PublishedConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder}/bench.sqlite3"
        PUBLISHED_STATIC_DIR = str(published)

    published_url, _, stop_published = serve(create_app(PublishedConfig))
    servers = []
    try:
        servers.append(PlainProxy(before_url.removeprefix("http://"), folder / "before").start())
        servers.append(PlainProxy(current_url.removeprefix("http://"), folder / "preload").start())
        env = app_env(f"sqlite:///{folder}/bench.sqlite3")
        servers.append(DocumentedNginx([published_url.removeprefix("http://")], folder, env=env).start())
        names = ["baseline: no preload, nothing compressed", "preload only", "documented deployment"]
        samples: dict[str, list[dict]] = {name: [] for name in names}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
            for server in servers:  # one unmeasured load each: the servers' first-request costs
                cold_load(browser, server.url)
            for _ in range(args.samples):
                for name, server in zip(names, servers, strict=True):
                    samples[name].append(cold_load(browser, server.url))
            browser.close()
    finally:
        for server in servers:
            server.stop()
        stop_current()
        stop_before()
        stop_published()

    print(
        f"\nReport form, cold load: {RTT_MS} ms round trip, {KBIT_PER_S} kbit/s down and up, "
        f"Chromium throttled, nginx TLS + HTTP/2; medians of {args.samples}\n"
    )
    header = (
        f"{'serving':<42}{'load s':>8}{'scripts s':>11}{'script rounds':>15}{'scripts':>9}"
        f"{'HTML kB':>13}{'CSS kB':>13}{'JS kB':>13}{'floor s':>9}{'load ratio':>12}"
    )
    print(header)
    print("-" * len(header))
    base_load = statistics.median(s["load"] for s in samples[names[0]])

    def kb(pairs):
        wire = statistics.median(p[0] for p in pairs) / 1000
        plain = statistics.median(p[1] for p in pairs) / 1000
        return f"{wire:.1f}/{plain:.1f}"

    for name in names:
        runs = samples[name]

        def median(key, runs=runs):
            return statistics.median(s[key] for s in runs)

        load = median("load")
        sizes = "".join(f"{kb([s[part] for s in runs]):>13}" for part in ("html", "css", "js"))
        wire = statistics.median(sum(s[part][0] for part in ("html", "css", "js")) for s in runs)
        floor = 2 * RTT_MS / 1000 + wire / (KBIT_PER_S * 1000 / 8)
        print(
            f"{name:<42}{load:>8.2f}{median('scripts_done'):>11.2f}{median('rounds'):>15.0f}"
            f"{median('scripts'):>9.0f}{sizes}{floor:>9.2f}{load / base_load:>11.2f}x"
        )
    print(
        "\nkB: on the wire / decoded. Script rounds: sequential round trips before the last script arrived."
        "\nFloor: two round trips (the page, then everything it names at once) plus its bytes on the wire"
        "\nat the throttled speed - the least any serving of these bytes can take."
    )


if __name__ == "__main__":
    main()
