"""PostgreSQL restarts during a burst of submissions (issue 9, "Must show"), sent one report per
request and in batches (issue 18, point 3).

A private cluster (initdb + pg_ctl in a temporary folder, on a free port) serves one gunicorn app
server; while clients submit reports, ``pg_ctl restart -m fast`` cuts every connection. The app
recovers by itself (pool_pre_ping replaces dead pooled connections; nobody restarts gunicorn) and
every report it acknowledged with 201/200 is in the database, once.
"""

import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from tests.deploy.servers import (
    PG_BIN,
    Browserless,
    Gunicorn,
    PrivatePostgres,
    count_by_client_uuid,
    migrate_and_seed,
)

BURST = 200
CLIENTS = 8


@pytest.fixture
def private_postgres():
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL server binaries not found in {PG_BIN} (set PG_BIN)")
    cluster = PrivatePostgres()
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture
def app_server(private_postgres, tmp_path):
    seed = migrate_and_seed(private_postgres.url, tmp_path / "migrate.log")
    server = Gunicorn(private_postgres.url, tmp_path, "app")
    try:
        server.start()
        yield server, seed
    finally:
        server.stop()


def _body(seed: dict, n: int) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "what_happened": f"Filed while the database restarted {n}",
        "category": "medication",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        "region_id": seed["region_id"],
        "still_at_risk": False,
        "barrier": "Checked the MAR before giving",
    }


BATCH = 5


@pytest.mark.parametrize("sent", ["alone", "in batches"])
def test_the_app_rides_out_a_database_restart_and_keeps_every_acknowledged_report(
    private_postgres, app_server, sent
):
    server, seed = app_server
    base = f"http://{server.address}"
    users = []
    for _ in range(2):
        user = Browserless(base)
        user.sign_in(seed["email"], seed["password"])
        users.append(user)
    bodies = [_body(seed, n) for n in range(BURST)]
    acknowledged: dict[str, int] = {}
    failures: list = []
    retries: list = []
    lock = threading.Lock()
    deadline = time.monotonic() + 120

    def acknowledge(body, status, answer):
        with lock:
            if status in (200, 201) and answer["client_uuid"] == body["client_uuid"]:
                acknowledged[body["client_uuid"]] = answer["id"]
            else:
                failures.append((body["client_uuid"], status))

    def worker(index: int):
        user = users[index % len(users)]
        mine = bodies[index::CLIENTS]
        if sent == "alone":
            for body in mine:
                answer = user.deliver(body, deadline=deadline, log=retries)
                acknowledge(body, answer and answer.status, answer and answer.body)
            return
        # As the outbox sends a queue: a batch at a time, the whole batch again after a failure.
        for start in range(0, len(mine), BATCH):
            batch = mine[start : start + BATCH]
            results = user.deliver_batch(batch, deadline=deadline, log=retries) or [{}] * len(batch)
            for body, result in zip(batch, results, strict=True):
                acknowledge(body, result.get("status"), result)

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    while len(acknowledged) < BURST // 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    before_restart = len(acknowledged)
    restart_started = time.monotonic()
    private_postgres.restart()
    restart_seconds = time.monotonic() - restart_started
    for thread in threads:
        thread.join(timeout=150)

    assert before_restart < BURST, "the restart came after the burst: nothing was tested"
    assert failures == [], f"never acknowledged: {failures[:5]}"
    assert len(acknowledged) == BURST
    stored = count_by_client_uuid(private_postgres.url)
    lost = [u for u in acknowledged if u not in stored]
    assert lost == [], f"{len(lost)} acknowledged reports are missing"
    assert max(stored.values()) == 1, "a report was stored twice"

    # Recovered by itself: the same gunicorn answers health and reads without any restart of its own.
    health = Browserless(base).request("GET", "/healthz")
    assert health.status == 200 and health.body["status"] == "ok"
    some_id = next(iter(acknowledged.values()))
    assert users[0].request("GET", f"/api/v1/reports/{some_id}").status == 200
    assert server.process.popen.poll() is None
    print(
        f"\nrestart took {restart_seconds:.1f}s with {BURST - before_restart} of {BURST} unconfirmed; "
        f"{len(retries)} retried attempts: {Counter(str(r[0]) for r in retries)}"
    )
