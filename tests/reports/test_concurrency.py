"""Devices submitting at the same moment: one row per client_uuid, one unbroken audit chain."""

import threading
import uuid

from sqlalchemy import func, select

from app.core.audit.models import AuditEvent
from app.core.audit.operations import first_chain_problem
from app.extensions import db
from app.reports.models import Report
from tests.factories import api_token, login, report_body


def _at_once(app, email: str, devices: int, send) -> None:
    """Sign ``devices`` test clients in as ``email``, then run ``send(client, token)`` on all of them
    released together by a barrier."""
    clients = []
    for _ in range(devices):
        client = app.test_client()
        login(client, email)
        clients.append((client, api_token(client)))
    barrier = threading.Barrier(devices)

    def released(client, token):
        barrier.wait()
        send(client, token)

    threads = [threading.Thread(target=released, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


def test_concurrent_submissions_of_one_uuid_give_one_row(app, make):
    make.user("dsp@x.test", regions=["North"])
    body = report_body(make.region("North"))
    statuses = []

    def send(client, token):
        response = client.post("/api/v1/reports", json=body, headers={"X-CSRFToken": token})
        statuses.append((response.status_code, response.get_json()))

    _at_once(app, "dsp@x.test", 10, send)

    codes = sorted(code for code, _ in statuses)
    assert codes == [200] * 9 + [201], statuses
    assert len({answer["id"] for _, answer in statuses}) == 1
    with app.app_context():
        rows = db.session.scalar(
            select(func.count(Report.id)).where(Report.client_uuid == uuid.UUID(body["client_uuid"]))
        )
    assert rows == 1


def test_concurrent_submissions_extend_one_unbroken_audit_chain(app, make):
    """Twelve devices sending different reports at once: every report stored, the chain gapless and
    verifying (on PostgreSQL the appends meet at the chain's lock, whose holder reads the newest tail)."""
    make.user("dsp@x.test", regions=["North"])
    region = make.region("North")
    statuses = []

    def send(client, token):
        for _ in range(3):
            answer = client.post("/api/v1/reports", json=report_body(region), headers={"X-CSRFToken": token})
            statuses.append(answer.status_code)

    _at_once(app, "dsp@x.test", 12, send)

    assert statuses == [201] * 36
    with app.app_context():
        assert db.session.scalar(select(func.count(Report.id))) == 36
        seqs = list(db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))
        assert seqs == list(range(1, len(seqs) + 1))
        assert first_chain_problem() is None
