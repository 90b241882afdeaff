"""Submission throughput and p95 latency under load: gunicorn + PostgreSQL, beside a bare insert.

    python -m bench.submission_load [--clients 8,32,64] [--seconds 6] [--max-requests 4000]
                                    [--database postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
                                    [--workers N] [--threads N] [--profile 300]

Two gunicorn servers with the same flags on 127.0.0.1, on one fresh PostgreSQL database made for the
run (and dropped after it):

- the app (``wsgi:app``): ``POST /api/v1/reports`` as a signed-in DSP's phone sends it (session cookie,
  X-CSRFToken, a new client_uuid each time) - session check, CSRF, validation, taxonomy, insert,
  audit-chain append, stop-the-line signal, commit;
- the baseline (``bench.bare_insert_app``): a bare Flask endpoint doing one insert of the same JSON.

Each level runs N closed-loop clients (keep-alive connections, spread over a few load processes so the
client's GIL is not the bottleneck) for a bounded time and count. Printed: one table with requests
per second, p50 and p95 latency for both, and the app/baseline ratios; then where each request's
CPU went (server, PostgreSQL, load generator), since with every core busy throughput follows the
machine's CPU per request. Every 201 is then checked
against the rows in the database. ``--profile N`` also runs N submissions in-process under cProfile
and prints where the time goes.
"""

import argparse
import cProfile
import http.client
import io
import json
import multiprocessing
import os
import platform
import pstats
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-1"  # bench.common's; that module (and the app) is imported only in main()

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SECRET_KEY = "bench-secret-key-not-for-production"


# --- Servers ------------------------------------------------------------------------------------


class Server:
    def __init__(self, name: str, target: str, env: dict, workers: int, threads: int, folder: Path):
        self.name = name
        with socket_port() as port:
            self.port = port
        self.log = open(folder / f"{name}.log", "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(threads),
                "--timeout",
                "60",
                target,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{name} server exited; see {folder / (name + '.log')}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} server did not start")
            time.sleep(0.2)

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers (the process group), from /proc."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.process.pid:  # field 5, pgrp
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def stop(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=15)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        self.log.close()


class socket_port:
    """A free loopback port (closed again before the server binds it)."""

    def __enter__(self) -> int:
        import socket

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        return self.socket.getsockname()[1]

    def __exit__(self, *exc):
        self.socket.close()


def sign_in(port: int) -> tuple[str, str]:
    """The session cookie and an API CSRF token for the bench DSP."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    form = urllib.parse.urlencode({"email": "bench@x.test", "password": PASSWORD, "csrf_token": token})
    connection.request(
        "POST",
        "/login",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise RuntimeError(f"bench sign-in failed: {response.status}")
    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    connection.request("GET", "/api/v1/csrf", headers={"Cookie": cookie})
    response = connection.getresponse()
    token = json.loads(response.read())["csrf_token"]
    new_cookie = response.headers.get("Set-Cookie")
    return (new_cookie.split(";", 1)[0] if new_cookie else cookie), token


# --- Load ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    port: int
    path: str
    headers: dict
    region_id: int
    clients: int
    start_at: float
    stop_at: float
    requests: int
    batch: int = 0  # 0: one report per request; N: {"reports": [N reports]} to the batch endpoint


def _report(region_id: int, n: int) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "what_happened": f"Load report {n}: blister pack held the old dose after a GP change.",
        "category": "medication",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "region_id": region_id,
        "still_at_risk": False,
        "barrier": "Checked the MAR before giving",
    }


def _body(region_id: int, n: int, batch: int = 0) -> bytes:
    if batch:
        return json.dumps({"reports": [_report(region_id, n) for _ in range(batch)]}).encode()
    return json.dumps(_report(region_id, n)).encode()


def _client(plan: Plan, latencies: list, statuses: dict, lock: threading.Lock) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", plan.port, timeout=30)
    mine, codes = [], {}
    time.sleep(max(0.0, plan.start_at - time.time()))
    for n in range(plan.requests):
        if time.time() >= plan.stop_at:
            break
        body = _body(plan.region_id, n, plan.batch)
        started = time.perf_counter()
        try:
            connection.request("POST", plan.path, body=body, headers=plan.headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", plan.port, timeout=30)
            status = 0
        mine.append((time.perf_counter() - started, status))
        codes[status] = codes.get(status, 0) + 1
    connection.close()
    with lock:
        latencies.extend(mine)
        for status, count in codes.items():
            statuses[status] = statuses.get(status, 0) + count


def _load_process(plan: Plan, queue, ready, go, start) -> None:
    # The clock starts once every load process is up (spawning one takes seconds on a busy machine).
    ready.put(os.getpid())
    go.wait()
    plan = replace(plan, start_at=start.value, stop_at=start.value + plan.stop_at - plan.start_at)
    latencies: list = []
    statuses: dict = {}
    lock = threading.Lock()
    threads = [
        threading.Thread(target=_client, args=(plan, latencies, statuses, lock)) for _ in range(plan.clients)
    ]
    cpu_at_start = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((latencies, statuses, time.process_time() - cpu_at_start))


@dataclass
class Result:
    throughput: float
    p50_ms: float
    p95_ms: float
    ok: int
    statuses: dict
    cpu_ms: float = 0.0  # server CPU per acknowledged request (independent of other load on the machine)
    db_cpu_ms: float = 0.0  # PostgreSQL's CPU (every postgres process) per acknowledged request
    load_cpu_ms: float = 0.0  # the load generator's CPU per acknowledged request

    @property
    def machine_cpu_ms(self) -> float:
        """All the CPU one acknowledged request cost this machine: server, database and client."""
        return self.cpu_ms + self.db_cpu_ms + self.load_cpu_ms


def postgres_cpu_seconds() -> float:
    """User + system CPU of every PostgreSQL process on this machine (backends, WAL writer,
    checkpointer), from /proc. The bench's server is on 127.0.0.1, so this is where its work shows."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().split(" (", 1)[1].rsplit(")", 1)
        except (OSError, ValueError):
            continue
        if name == "postgres":
            fields = rest.split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def measured(
    server: "Server", path, headers, region_id, clients, seconds, max_requests, processes, batch=0
) -> Result:
    before, db_before = server.cpu_seconds(), postgres_cpu_seconds()
    result = run_level(
        server.port, path, headers, region_id, clients, seconds, max_requests, processes, batch
    )
    result.cpu_ms = (server.cpu_seconds() - before) / result.ok * 1000
    result.db_cpu_ms = (postgres_cpu_seconds() - db_before) / result.ok * 1000
    return result


def run_level(port, path, headers, region_id, clients, seconds, max_requests, processes, batch=0) -> Result:
    context = multiprocessing.get_context("spawn")
    queue, ready, go, start = context.Queue(), context.Queue(), context.Event(), context.Value("d", 0.0)
    processes = min(processes, clients)
    per_client = max(1, max_requests // clients)
    workers = []
    for index in range(processes):
        share = clients // processes + (1 if index < clients % processes else 0)
        plan = Plan(port, path, headers, region_id, share, 0.0, seconds, per_client, batch)
        worker = context.Process(target=_load_process, args=(plan, queue, ready, go, start))
        worker.start()
        workers.append(worker)
    for _ in workers:
        ready.get(timeout=120)
    start_at = start.value = time.time() + 0.2
    go.set()
    latencies, statuses, load_cpu = [], {}, 0.0
    for _ in workers:
        got, codes, cpu = queue.get(timeout=seconds + 120)
        latencies.extend(got)
        load_cpu += cpu
        for status, count in codes.items():
            statuses[status] = statuses.get(status, 0) + count
    for worker in workers:
        worker.join(timeout=30)
    elapsed = max(0.001, min(seconds, time.time() - start_at))
    good = sorted(duration for duration, status in latencies if status in (200, 201))
    if not good:
        raise RuntimeError(f"no request succeeded at {clients} clients: {statuses}")
    # Throughput over the window the clients actually ran (count-bounded runs may end early).
    p95 = statistics.quantiles(good, n=20, method="inclusive")[18] if len(good) > 1 else good[0]
    result = Result(len(good) / elapsed, statistics.median(good) * 1000, p95 * 1000, len(good), statuses)
    result.load_cpu_ms = load_cpu / len(good) * 1000
    return result


# --- Profile ------------------------------------------------------------------------------------


def profile_submissions(database_url: str, region_id: int, count: int) -> str:
    """Where one submission's time goes, in-process (test client, no network), as cProfile sees it."""
    from app import create_app
    from app.config import TestConfig

    class ProfileConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        SECRET_KEY = SECRET_KEY

    app = create_app(ProfileConfig)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    client.post("/login", data={"email": "bench@x.test", "password": PASSWORD, "csrf_token": token})
    api_token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    headers = {"X-CSRFToken": api_token, "Content-Type": "application/json"}
    bodies = [_body(region_id, n) for n in range(count)]
    for n in range(20):  # warm-up
        client.post("/api/v1/reports", data=_body(region_id, n), headers=headers)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for body in bodies:
        assert client.post("/api/v1/reports", data=body, headers=headers).status_code == 201
    profiler.disable()
    per_request = (time.perf_counter() - started) / count * 1000
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(
        r"app/|sqlalchemy/engine/base|psycopg/cursor|flask_login|flask_wtf", 30
    )
    from app.extensions import db

    with app.app_context():
        db.engine.dispose()
    return f"{count} submissions in-process: {per_request:.2f} ms each (under cProfile)\n{out.getvalue()}"


# --- Main ---------------------------------------------------------------------------------------


def machine() -> str:
    memory = ""
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
        kb = int(next(line for line in lines if line.startswith("MemTotal")).split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    load = f", load average {os.getloadavg()[0]:.1f} before the run"
    versions = f"{platform.platform()}, Python {platform.python_version()}"
    return f"{os.cpu_count()} cores{memory}, {versions}{load}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", default="8,32,64")
    parser.add_argument(
        "--batches", default="1,5,25", help="reports per request for POST /api/v1/reports/batch ('' for none)"
    )
    parser.add_argument("--seconds", type=float, default=6.0, help="longest run per level and server")
    parser.add_argument("--max-requests", type=int, default=4000, help="most requests per level and server")
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER))
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--load-processes", type=int, default=2)
    parser.add_argument("--profile", type=int, default=0, help="also profile N in-process submissions")
    args = parser.parse_args()
    levels = [int(n) for n in args.clients.split(",")]
    batch_sizes = [int(n) for n in args.batches.split(",") if n.strip()]
    host = machine()

    server_url = make_url(args.database).set(drivername="postgresql+psycopg")
    name = f"nearmiss_bench_submit_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            version = connection.scalar(text("SHOW server_version"))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any failure to reach the server ends the bench with the reason
        raise SystemExit(
            f"bench.submission_load needs PostgreSQL ({server_url.host}:{server_url.port}): {exc}"
        ) from exc
    database_url = server_url.set(database=name).render_as_string(hide_password=False)
    folder = Path(tempfile.mkdtemp(prefix="nearmiss-bench-load-"))
    servers: list[Server] = []
    try:
        from bench.bare_insert_app import prepare as prepare_bare
        from bench.common import PASSWORD as COMMON_PASSWORD
        from bench.common import bench_app

        assert COMMON_PASSWORD == PASSWORD
        app, region_id = bench_app(database_url)
        from app.extensions import db

        with app.app_context():
            db.engine.dispose()
        prepare_bare(database_url)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_DATABASE", "FLASK_"))}
        env.update(
            DATABASE_URL=database_url,
            SECRET_KEY=SECRET_KEY,
            RATELIMIT_ENABLED="false",
            PROMETHEUS_MULTIPROC_DIR=str(folder / "metrics"),
        )
        (folder / "metrics").mkdir()
        app_server = Server("app", "wsgi:app", env, args.workers, args.threads, folder)
        servers.append(app_server)
        bare_server = Server("bare", "bench.bare_insert_app:app", env, args.workers, args.threads, folder)
        servers.append(bare_server)
        cookie, token = sign_in(app_server.port)
        app_headers = {"Content-Type": "application/json", "X-CSRFToken": token, "Cookie": cookie}
        bare_headers = {"Content-Type": "application/json"}

        # Warm both: every worker imports lazily and opens its pool on first use.
        for port, path, headers in (
            (app_server.port, "/api/v1/reports", app_headers),
            (bare_server.port, "/insert", bare_headers),
        ):
            run_level(port, path, headers, region_id, 16, 2.0, 300, args.load_processes)
        if batch_sizes:
            run_level(
                app_server.port, "/api/v1/reports/batch", app_headers, region_id, 16, 2.0, 40, 2, batch=5
            )

        results = []
        batched: dict[tuple[int, int], Result] = {}
        for clients in levels:
            bare = measured(
                bare_server,
                "/insert",
                bare_headers,
                region_id,
                clients,
                args.seconds,
                args.max_requests,
                args.load_processes,
            )
            real = measured(
                app_server,
                "/api/v1/reports",
                app_headers,
                region_id,
                clients,
                args.seconds,
                args.max_requests,
                args.load_processes,
            )
            results.append((clients, real, bare))
            for size in batch_sizes:
                batched[clients, size] = measured(
                    app_server,
                    "/api/v1/reports/batch",
                    app_headers,
                    region_id,
                    clients,
                    args.seconds,
                    max(1, args.max_requests // size),
                    args.load_processes,
                    batch=size,
                )

        engine = create_engine(database_url)
        with engine.connect() as connection:
            stored = connection.scalar(text("SELECT count(*) FROM reports"))
            bare_stored = connection.scalar(text("SELECT count(*) FROM bench_bare_insert"))
            duplicated = connection.scalar(
                text(
                    "SELECT count(*) FROM (SELECT client_uuid FROM reports GROUP BY 1 HAVING count(*) > 1) d"
                )
            )
        engine.dispose()

        print(f"\nSubmissions under load - {host}, PostgreSQL {version}")
        print(
            f"gunicorn: {args.workers} workers x {args.threads} threads (gthread) for both; "
            f"{args.load_processes} load processes; <= {args.seconds:g} s and <= {args.max_requests} "
            "requests per run; 127.0.0.1"
        )
        header = (
            f"{'clients':>7} | {'app req/s':>9} | {'p50 ms':>7} | {'p95 ms':>7} | {'CPU ms':>6} | "
            f"{'bare req/s':>10} | {'p50 ms':>7} | {'p95 ms':>7} | {'CPU ms':>6} | "
            f"{'req/s ratio':>11} | {'p95 ratio':>9} | {'CPU ratio':>9}"
        )
        print(header)
        print("-" * len(header))
        for clients, real, bare in results:
            print(
                f"{clients:>7} | {real.throughput:>9.0f} | {real.p50_ms:>7.1f} | {real.p95_ms:>7.1f} | "
                f"{real.cpu_ms:>6.1f} | {bare.throughput:>10.0f} | {bare.p50_ms:>7.1f} | "
                f"{bare.p95_ms:>7.1f} | {bare.cpu_ms:>6.1f} | {real.throughput / bare.throughput:>11.2f} | "
                f"{real.p95_ms / bare.p95_ms:>9.1f} | {real.cpu_ms / bare.cpu_ms:>9.1f}"
            )
        print(
            "(CPU ms: the gunicorn master and workers' CPU per acknowledged request, PostgreSQL not "
            "included; ratios are app / bare)"
        )
        print(
            "\nWhere each acknowledged request's CPU went, ms (server, PostgreSQL, load generator); "
            "with every core busy, throughput follows the total"
        )
        split = (
            f"{'clients':>7} | {'app':>5} {'+ PG':>5} {'+ load':>6} {'= all':>6} | "
            f"{'bare':>5} {'+ PG':>5} {'+ load':>6} {'= all':>6} | {'bare all / app all':>18}"
        )
        print(split)
        print("-" * len(split))
        for clients, real, bare in results:
            print(
                f"{clients:>7} | {real.cpu_ms:>5.2f} {real.db_cpu_ms:>5.2f} {real.load_cpu_ms:>6.2f} "
                f"{real.machine_cpu_ms:>6.2f} | {bare.cpu_ms:>5.2f} {bare.db_cpu_ms:>5.2f} "
                f"{bare.load_cpu_ms:>6.2f} {bare.machine_cpu_ms:>6.2f} | "
                f"{bare.machine_cpu_ms / real.machine_cpu_ms:>18.2f}"
            )
        failures = {
            (clients, name): {s: n for s, n in r.statuses.items() if s not in (200, 201)}
            for clients, real, bare in results
            for name, r in (("app", real), ("bare", bare))
        }
        failures.update(
            {
                (clients, f"batch of {size}"): {s: n for s, n in r.statuses.items() if s != 200}
                for (clients, size), r in batched.items()
            }
        )
        failures = {key: f for key, f in failures.items() if f}
        if batched:
            print(
                "\nReports per second with POST /api/v1/reports/batch (every result 201, checked below), "
                "beside the same levels' bare insert (one report per request); p95 is per request"
            )
            header = f"{'clients':>7} | {'bare rep/s':>10} | {'single':>13} | " + " | ".join(
                f"{'batch of ' + str(size):>22}" for size in batch_sizes
            )
            print(header)
            print("-" * len(header))
            for clients, real, bare in results:
                cells = [f"{real.throughput:>5.0f} ({real.throughput / bare.throughput:.2f})"]
                for size in batch_sizes:
                    r = batched[clients, size]
                    rate = r.throughput * size
                    cells.append(f"{rate:>5.0f} ({rate / bare.throughput:.2f}) p95 {r.p95_ms:>5.0f} ms")
                print(
                    f"{clients:>7} | {bare.throughput:>10.0f} | {cells[0]:>13} | "
                    + " | ".join(f"{cell:>22}" for cell in cells[1:])
                )
            print(
                "(reports per second, and in brackets / the bare endpoint's; CPU ms per report: "
                + ", ".join(
                    f"batch of {size} {batched[levels[-1], size].machine_cpu_ms / size:.2f}"
                    for size in batch_sizes
                )
                + f" at {levels[-1]} clients, machine total)"
            )
        acknowledged = sum(real.ok for _, real, _ in results) + sum(
            result.ok * size for (_, size), result in batched.items()
        )
        print(
            f"\nchecked: {stored} report rows for the app's {acknowledged} acknowledged (+ warm-up), "
            f"{duplicated} duplicated; {bare_stored} bare rows; non-2xx answers: {failures or 'none'}"
        )
        at32 = (
            next((real, bare) for clients, real, bare in results if clients == 32) if 32 in levels else None
        )
        if at32:
            real, bare = at32
            ratio_ok = real.throughput >= 0.5 * bare.throughput
            p95_ok = real.p95_ms < 50
            ratio = real.throughput / bare.throughput
            print(
                f"target at 32 clients: throughput >= 0.5 x baseline: {ratio:.2f} "
                f"({'met' if ratio_ok else 'NOT met'}); p95 < 50 ms: {real.p95_ms:.1f} ms "
                f"({'met' if p95_ok else 'NOT met'})"
            )
        for size in batch_sizes if 32 in levels else []:
            bare = next(bare for clients, _, bare in results if clients == 32)
            ratio = batched[32, size].throughput * size / bare.throughput
            print(
                f"target at 32 clients, batches of {size}: reports/s >= 0.5 x baseline: {ratio:.2f} "
                f"({'met' if ratio >= 0.5 else 'NOT met'})"
            )
        if args.profile:
            print()
            print(profile_submissions(database_url, region_id, args.profile))
    finally:
        for server in servers:
            server.stop()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
