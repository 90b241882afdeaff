"""Two app servers behind nginx on one PostgreSQL (issue 9, "Must show").

gunicorn x2 (own ports) <- nginx (Debian's, round robin, X-Upstream header names the server) <- clients.
Shows: a signed-in user's requests land on both servers and work; an offline outbox sync in Chromium
goes through both; SIGKILL of one server in the middle of a burst of API submissions loses no
acknowledged report and stores none twice.
"""

import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.deploy.servers import (
    Browserless,
    Database,
    Gunicorn,
    Nginx,
    count_by_client_uuid,
    migrate_and_seed,
)
from tests.e2e.journeys import file_report, wait_for_outbox, wait_for_service_worker, wait_until

BURST = 200
CLIENTS = 8


class Cluster:
    def __init__(self, folder: Path, database: Database):
        self.folder = folder
        self.database = database
        self.seed: dict = {}
        self.servers: list[Gunicorn] = []
        self.nginx: Nginx | None = None

    @property
    def url(self) -> str:
        return self.nginx.url

    def user(self) -> Browserless:
        client = Browserless(self.url)
        client.sign_in(self.seed["email"], self.seed["password"])
        return client

    def body(self, what: str) -> dict:
        return {
            "client_uuid": str(uuid.uuid4()),
            "what_happened": what,
            "category": "transport",
            "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
            "region_id": self.seed["region_id"],
            "still_at_risk": False,
            "barrier": "Checked the booking",
        }


@pytest.fixture(scope="module")
def cluster(postgres_server, nginx_binary, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cluster")
    database = Database(postgres_server).create()
    cluster = Cluster(folder, database)
    try:
        cluster.seed = migrate_and_seed(database.url, folder / "migrate.log")
        cluster.servers = [Gunicorn(database.url, folder, f"app{n}") for n in (1, 2)]
        for server in cluster.servers:
            server.start()
        cluster.nginx = Nginx(cluster.servers, folder).start()
        yield cluster
    finally:
        if cluster.nginx is not None:
            cluster.nginx.stop()
        for server in cluster.servers:
            server.stop()
        database.drop()


def test_a_signed_in_users_requests_land_on_both_servers_and_work(cluster):
    user = cluster.user()
    addresses = {server.address for server in cluster.servers}
    seen = Counter()
    for path in ["/", "/my-reports", "/report", "/api/v1/taxonomy", "/api/v1/csrf"] * 4:
        answer = user.request("GET", path)
        assert answer.status == 200, f"{path} via {answer.upstream}: {answer.status}"
        seen[answer.upstream] += 1
    assert set(seen) == addresses, f"requests were served by {dict(seen)}"

    # Written through one server, read through the other: no state lives in an app server.
    stored = user.post_report(cluster.body("Filed through one server, read through the other"))
    assert stored.status == 201, stored.body
    readers = set()
    for _ in range(4):
        read = user.request("GET", f"/api/v1/reports/{stored.body['id']}")
        assert read.status == 200 and read.body["client_uuid"] == stored.body["client_uuid"]
        readers.add(read.upstream)
    assert readers == addresses

    # Signing out on one server ends the session on every server (sessions are rows, not memory).
    token = user.csrf(fresh=True)
    out = user.request(
        "POST",
        "/logout",
        data=f"csrf_token={token}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert out.status in (302, 303)
    for _ in range(4):
        assert user.request("GET", "/api/v1/taxonomy").status == 401


@pytest.mark.browser
def test_an_offline_outbox_syncs_through_both_servers(cluster, phone):
    phone.goto(f"{cluster.url}/login")
    phone.fill("#email", cluster.seed["email"])
    phone.fill("#password", cluster.seed["password"])
    phone.click("button[type=submit]")
    phone.wait_for_load_state()
    wait_for_service_worker(phone)
    log_start = len(cluster.nginx.access_lines())

    phone.context.set_offline(True)
    texts = [f"Filed offline behind the load balancer {n}" for n in range(6)]
    for text in texts:
        file_report(phone, text, category="transport")
    wait_until(phone, "document.querySelector('#outbox-badge').textContent.includes('6')")
    phone.context.set_offline(False)
    wait_for_outbox(phone, ["sent"] * 6, timeout=40)

    from sqlalchemy import create_engine, text

    engine = create_engine(cluster.database.url)
    with engine.connect() as connection:
        stored = Counter(
            connection.scalars(
                text("SELECT what_happened FROM reports WHERE what_happened LIKE 'Filed offline%'")
            )
        )
    engine.dispose()
    assert stored == Counter(texts), "each offline report arrived exactly once"
    # The outbox sends the six in a batch, after fetching a CSRF token: a token one server made is
    # taken by the other (no server keeps state of its own).
    sync = [
        line
        for line in cluster.nginx.access_lines()[log_start:]
        if line[:2] in (["POST", "/api/v1/reports/batch"], ["GET", "/api/v1/csrf"])
    ]
    assert any(line[:2] == ["POST", "/api/v1/reports/batch"] for line in sync)
    assert {line[3] for line in sync} == {s.address for s in cluster.servers}, (
        f"the sync's requests were served by {Counter(line[3] for line in sync)}"
    )


def test_killing_one_server_mid_burst_loses_and_duplicates_nothing(cluster):
    victim, survivor = cluster.servers
    users = [cluster.user() for _ in range(2)]
    bodies = [cluster.body(f"Burst report {n}") for n in range(BURST)]
    acknowledged: dict[str, int] = {}
    refusals: list = []
    retries: list = []
    lock = threading.Lock()
    deadline = time.monotonic() + 90

    def worker(index: int):
        user = users[index % len(users)]
        for body in bodies[index::CLIENTS]:
            answer = user.deliver(body, deadline=deadline, log=retries)
            with lock:
                if answer is not None and answer.status in (200, 201):
                    acknowledged[body["client_uuid"]] = answer.body["id"]
                    assert answer.body["client_uuid"] == body["client_uuid"]
                else:
                    refusals.append((body["client_uuid"], answer and answer.status))

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    # SIGKILL one server, master and workers, once a third of the burst is acknowledged.
    while len(acknowledged) < BURST // 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    in_flight_at_kill = BURST - len(acknowledged)
    victim.kill()
    for thread in threads:
        thread.join(timeout=120)

    assert refusals == [], f"refused or never confirmed: {refusals[:5]}"
    assert len(acknowledged) == BURST and in_flight_at_kill > 0
    stored = count_by_client_uuid(cluster.database.url)
    lost = [u for u in acknowledged if stored.get(u, 0) == 0]
    doubled = {u: n for u, n in stored.items() if n > 1}
    assert lost == [], f"{len(lost)} acknowledged reports are not in the database"
    assert doubled == {}, f"stored more than once: {doubled}"
    burst_rows = {u for u in stored if u in acknowledged}
    assert len(burst_rows) == BURST

    # Both servers took part before the kill; only the survivor after it.
    posts = [line for line in cluster.nginx.access_lines() if line[:2] == ["POST", "/api/v1/reports"]]
    served = Counter(line[3] for line in posts if line[2] in ("200", "201"))
    assert served[victim.address] > 0 and served[survivor.address] > 0, served
    print(
        f"\n{BURST} reports, {CLIENTS} clients: killed {victim.name} with {in_flight_at_kill} unconfirmed; "
        f"{len(retries)} retried attempts ({Counter(str(r[0]) for r in retries)}); served {dict(served)}"
    )

    # The dead server rejoins: it keeps nothing of its own, so a restart is all it needs.
    victim.start()
    rejoin_deadline = time.monotonic() + 30
    while True:
        answer = users[0].request("GET", "/api/v1/taxonomy")
        assert answer.status == 200
        if answer.upstream == victim.address:
            break
        assert time.monotonic() < rejoin_deadline, "the restarted server never got traffic back"
        time.sleep(0.25)
