"""(f) The server is killed in the middle of syncs and restarted, 20 rounds: nothing lost, nothing twice."""

import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import pytest

from tests.e2e.conftest import sign_in
from tests.e2e.journeys import stored_reports, wait_for_service_worker
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 20
REPORTS_PER_ROUND = 5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    def __init__(self, port: int):
        self.port = port
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.server", str(self.port)],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # A bound, not a wait: on a busy machine importing the app alone can take tens of seconds.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("test server did not start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.kill()


@pytest.fixture
def server_process(app):
    server = ServerProcess(free_port())
    server.start()
    yield server
    server.stop()


QUEUE_REPORTS = """async ([uuids, round]) => {
    const { openOutbox } = await import('/sw/outbox-db.js');
    const { enqueue } = await import('/sw/outbox.js');
    const owner = Number(document.body.dataset.userId);
    const regionId = Number(document.querySelector('#region_id').value);
    const db = await openOutbox();
    for (const [i, clientUuid] of uuids.entries()) {
        await enqueue(db, { owner, body: {
            client_uuid: clientUuid, what_happened: `Round ${round} report ${i}`,
            category: 'transport', occurred_at: new Date(Date.now() - 3600e3).toISOString(),
            region_id: regionId, still_at_risk: false, barrier: 'Checked the booking' } });
    }
    db.close();
}"""

SEND_NOW = """async () => {
    const { openOutbox } = await import('/sw/outbox-db.js');
    const { makeDueNow, pending } = await import('/sw/outbox.js');
    const { sync } = await import('/static/js/app.js');
    let db = await openOutbox();
    await makeDueNow(db);
    db.close();
    sync();  // not awaited: the server may be killed while this runs
    return true;
}"""

PENDING = """async () => {
    const { openOutbox } = await import('/sw/outbox-db.js');
    const { pending } = await import('/sw/outbox.js');
    const db = await openOutbox();
    const left = (await pending(db)).length;
    db.close();
    return left;
}"""


def test_f_killing_the_server_mid_sync_loses_and_duplicates_nothing(app, make, server_process, phone):
    make.user("dsp@x.test", regions=["North"])
    url = f"http://127.0.0.1:{server_process.port}"
    sign_in(phone, url, "dsp@x.test", PASSWORD)
    wait_for_service_worker(phone)
    rng = random.Random(7)
    queued = []
    interrupted_rounds = 0
    for round_number in range(ROUNDS):
        uuids = [str(uuid.uuid4()) for _ in range(REPORTS_PER_ROUND)]
        queued += uuids
        phone.evaluate(QUEUE_REPORTS, [uuids, round_number])
        phone.evaluate(SEND_NOW)
        time.sleep(rng.uniform(0.0, 0.12))
        server_process.kill()
        if phone.evaluate(PENDING) > 0:
            interrupted_rounds += 1
        server_process.start()
        deadline = time.monotonic() + 120
        while phone.evaluate(PENDING) > 0:
            assert time.monotonic() < deadline, f"round {round_number}: outbox did not drain"
            phone.evaluate(SEND_NOW)
            time.sleep(0.3)

    print(f"\n{interrupted_rounds} of {ROUNDS} rounds were cut with reports still unconfirmed")
    stored = Counter(str(r.client_uuid) for r in stored_reports(app))
    assert sum(stored.values()) == ROUNDS * REPORTS_PER_ROUND
    assert set(stored) == set(queued), "every queued report arrived"
    assert max(stored.values()) == 1, "none arrived twice"
    assert interrupted_rounds >= ROUNDS // 4, f"only {interrupted_rounds} rounds were cut mid-sync"
