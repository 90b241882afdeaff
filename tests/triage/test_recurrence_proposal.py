"""triage_report keeps the recurrence proposal its caller has just computed instead of computing it
again (the demo triages a year of reports: one proposal per report, not two)."""

from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.auth.models import User
from app.core.roles import Role
from app.extensions import db
from app.reports.models import Report
from app.triage import operations
from app.triage.matrix import Recurrence
from app.triage.recurrence import RecurrenceProposal


def test_a_proposal_passed_in_is_stored_and_not_computed_again(app, make, monkeypatch):
    make.user("dsp@x.test")
    make.user("sup@x.test", roles=[Role.SUPERVISOR])
    report_id = make.report("dsp@x.test")
    with app.app_context():
        report = db.session.get(Report, report_id)
        proposal = RecurrenceProposal(Recurrence.CLUSTER, [], {}, unusual="unusual for North: …")

        def computed_again(_report):
            raise AssertionError("the proposal was computed again")

        monkeypatch.setattr(operations, "recurrence_for", computed_again)
        triage = operations.triage_report(
            report,
            db.session.scalar(select(User).where(User.email == "sup@x.test")),
            operations.TriageAnswers(
                still_at_risk_now=False,
                severity="low",
                recurrence="cluster",
                minimum_investigation="Barrier review of the cluster.",
                event_class="near_miss",
                review_level=operations.propose_review_level(
                    operations.current_matrix().cells, "low", "cluster"
                ).value,
            ),
            tz=ZoneInfo("America/New_York"),
            proposal=proposal,
        )
        assert triage.recurrence_proposed == "cluster" and triage.similar_report_ids == []
        db.session.rollback()
