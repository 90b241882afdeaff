"""How fast does a phone's outbox drain? 200 reports queued offline, then the network comes back.

    python -m bench.outbox_sync [--reports 200]

Baseline, measured in the same run on the same server: the same number of reports POSTed
one after another by a plain HTTP client (one CSRF fetch, then one POST each). Beside it, the same
client sending them in batches of 25 (``POST /api/v1/reports/batch``), the server's share of a batched
drain. The outbox run is the real page code in Debian's Chromium, which sends batches:
reconnect -> every entry confirmed by the server. Target (issue 18): the outbox drains 200 in 1.5 s
or less, every report stored once.
"""

import argparse
import http.cookiejar
import json
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.reports.models import Report
from bench.common import PASSWORD, bench_app, serve

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def body(region_id: int, label: str) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "what_happened": f"Benchmark report {label}",
        "category": "transport",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "region_id": region_id,
        "still_at_risk": False,
        "barrier": "Checked the booking",
    }


def _signed_in(url: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_page = opener.open(f"{url}/login").read().decode()
    token = login_page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    form = urllib.parse.urlencode({"email": "bench@x.test", "password": PASSWORD, "csrf_token": token})
    opener.open(f"{url}/login", data=form.encode())
    return opener


def direct_batches(url: str, region_id: int, count: int, size: int = 25) -> float:
    opener = _signed_in(url)
    started = time.perf_counter()
    token = json.loads(opener.open(f"{url}/api/v1/csrf").read())["csrf_token"]
    for first in range(0, count, size):
        reports = [body(region_id, f"batched {n}") for n in range(first, min(count, first + size))]
        request = urllib.request.Request(
            f"{url}/api/v1/reports/batch",
            data=json.dumps({"reports": reports}).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
            method="POST",
        )
        with opener.open(request) as response:
            results = json.loads(response.read())["results"]
            assert [r["status"] for r in results] == [201] * len(reports)
    return time.perf_counter() - started


def direct_baseline(url: str, region_id: int, count: int) -> float:
    opener = _signed_in(url)
    started = time.perf_counter()
    token = json.loads(opener.open(f"{url}/api/v1/csrf").read())["csrf_token"]
    for n in range(count):
        request = urllib.request.Request(
            f"{url}/api/v1/reports",
            data=json.dumps(body(region_id, f"direct {n}")).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
            method="POST",
        )
        with opener.open(request) as response:
            assert response.status == 201
    return time.perf_counter() - started


QUEUE = """async ([count, regionId]) => {
    const { openOutbox } = await import('/sw/outbox-db.js');
    const { enqueue } = await import('/sw/outbox.js');
    const owner = Number(document.body.dataset.userId);
    const db = await openOutbox();
    for (let n = 0; n < count; n += 1) {
        await enqueue(db, { owner, body: {
            client_uuid: crypto.randomUUID(), what_happened: `Benchmark report outbox ${n}`,
            category: 'transport', occurred_at: new Date(Date.now() - 3600e3).toISOString(),
            region_id: regionId, still_at_risk: false, barrier: 'Checked the booking' } });
    }
    db.close();
}"""

PENDING = """async () => {
    const { openOutbox } = await import('/sw/outbox-db.js');
    const { pending } = await import('/sw/outbox.js');
    const db = await openOutbox();
    const left = (await pending(db)).length;
    db.close();
    return left;
}"""


def outbox_run(url: str, region_id: int, count: int, counter) -> tuple[float, int]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(f"{url}/login")
        page.fill("#email", "bench@x.test")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        deadline = time.perf_counter() + 30
        while not page.evaluate("navigator.serviceWorker.controller !== null"):
            if time.perf_counter() > deadline:
                raise RuntimeError("the service worker did not take control")
            time.sleep(0.05)
        context.set_offline(True)
        page.evaluate(QUEUE, [count, region_id])
        before = counter.snapshot()
        started = time.perf_counter()
        context.set_offline(False)
        while page.evaluate(PENDING) > 0:
            if time.perf_counter() - started > 300:
                raise RuntimeError("outbox did not drain in 5 minutes")
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
        requests = sum((counter.snapshot() - before).values())
        browser.close()
    return elapsed, requests


def rows_like(app, prefix: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Report.id)).where(Report.what_happened.like(f"{prefix}%")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=200)
    args = parser.parse_args()
    app, region_id = bench_app()
    url, counter, stop = serve(app)
    try:
        before = counter.snapshot()
        direct_seconds = direct_baseline(url, region_id, args.reports)
        direct_requests = sum((counter.snapshot() - before).values()) - 2  # minus the sign-in pair
        before = counter.snapshot()
        batched_seconds = direct_batches(url, region_id, args.reports)
        batched_requests = sum((counter.snapshot() - before).values()) - 2
        outbox_seconds, outbox_requests = outbox_run(url, region_id, args.reports, counter)
        direct_rows = rows_like(app, "Benchmark report direct")
        batched_rows = rows_like(app, "Benchmark report batched")
        outbox_rows = rows_like(app, "Benchmark report outbox")
    finally:
        stop()

    print(f"\nOutbox drain benchmark: {args.reports} reports, threaded Werkzeug server, SQLite\n")
    header = (
        f"{'scenario':<34}{'seconds':>9}{'reports/s':>11}{'requests/report':>17}{'rows':>7}{'time ratio':>12}"
    )
    print(header)
    print("-" * len(header))
    for name, seconds, requests, rows in (
        ("direct POSTs (baseline)", direct_seconds, direct_requests, direct_rows),
        ("direct batches of 25", batched_seconds, batched_requests, batched_rows),
        ("outbox: reconnect -> all confirmed", outbox_seconds, outbox_requests, outbox_rows),
    ):
        print(
            f"{name:<34}{seconds:>9.2f}{args.reports / seconds:>11.1f}"
            f"{requests / args.reports:>17.2f}{rows:>7}{seconds / direct_seconds:>11.2f}x"
        )
    ok = direct_rows == batched_rows == outbox_rows == args.reports
    print(f"\nrows equal the reports queued: {'yes' if ok else 'NO'}")
    met = outbox_seconds <= 1.5
    print(
        f"target: the outbox drains {args.reports} in <= 1.5 s: {outbox_seconds:.2f} s "
        f"({'met' if met else 'NOT met'})"
    )
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
