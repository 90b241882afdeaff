"""Events appended at the same moment by requests that wrote nothing before (opening a person's view,
reading a report under audit): every append lands, the chain gapless and verifying. On SQLite the
tail was read outside any transaction, so two such requests took the same sequence number and one
answered 500."""

import threading

from sqlalchemy import select

from app.core.audit.models import AuditEvent
from app.core.audit.operations import first_chain_problem, record_event
from app.extensions import db

READERS = 8
ROUNDS = 5


def test_appends_after_reads_only_all_land_in_one_unbroken_chain(app):
    barrier = threading.Barrier(READERS)
    failures = []

    def open_and_record(reader: int):
        for round_ in range(ROUNDS):
            with app.app_context():
                try:
                    db.session.scalar(select(AuditEvent.seq).limit(1))  # a request that only read so far
                    barrier.wait(timeout=30)
                    record_event("person.view", object_type="person", object_id=f"{reader}-{round_}")
                    db.session.commit()
                except Exception as exc:  # every failure is the finding
                    failures.append(repr(exc))
                    db.session.rollback()

    threads = [threading.Thread(target=open_and_record, args=(n,)) for n in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    with app.app_context():
        seqs = list(db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))
        assert seqs == list(range(1, READERS * ROUNDS + 1))
        assert first_chain_problem() is None
