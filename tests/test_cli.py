"""The command-line contracts of SPEC §5: demo load, user create, audit verify."""

from sqlalchemy import func, select

from app.auth.models import User
from app.core.audit.operations import first_chain_problem
from app.core.roles import Role
from app.extensions import db
from app.reports.models import Report
from app.taxonomy.models import Region
from app.triage.models import Triage


def test_demo_load_creates_every_role_and_reports(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load", "--password", "demo-password-1", "--weeks", "6"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        emails = set(db.session.scalars(select(User.email)))
        for local in (
            "dsp",
            "dsp2",
            "supervisor",
            "nurse",
            "scheduler",
            "operations",
            "quality",
            "safeguarding",
            "trainer",
            "manager",
            "admin",
        ):
            assert f"{local}@demo.test" in emails
        roles = set()
        for user in db.session.scalars(select(User)):
            roles |= user.roles
        assert roles == set(Role)
        dsp = db.session.scalar(select(User).where(User.email == "dsp@demo.test"))
        dsp2 = db.session.scalar(select(User).where(User.email == "dsp2@demo.test"))
        assert dsp.region_ids.isdisjoint(dsp2.region_ids)
        assert db.session.scalar(select(func.count(Region.id))) >= 2
        reports = db.session.scalar(select(func.count(Report.id)))
        assert reports > 50
        categories = db.session.scalar(select(func.count(func.distinct(Report.category_id))))
        assert categories >= 8
        assert first_chain_problem() is None
        triaged = db.session.scalar(select(func.count(Triage.id)))
        assert 0 < triaged < reports, "older reports triaged, the newest left for the queue"
    again = runner.invoke(args=["demo", "load", "--password", "demo-password-1"])
    assert again.exit_code == 0 and "already loaded" in again.output


def test_demo_accounts_sign_in(app):
    app.test_cli_runner().invoke(args=["demo", "load", "--password", "demo-password-1", "--weeks", "1"])
    from tests.factories import login

    client = app.test_client()
    assert login(client, "safeguarding@demo.test", "demo-password-1").status_code == 302


def test_user_create_command(app, make):
    make.region("North")
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "user",
            "create",
            "--email",
            "new@x.test",
            "--name",
            "New Person",
            "--role",
            "supervisor",
            "--role",
            "nurse",
            "--region",
            "North",
            "--password",
            "long-enough-pass",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new@x.test"))
        assert user.roles == {Role.SUPERVISOR, Role.NURSE}
        assert [r.name for r in user.regions] == ["North"]
    duplicate = runner.invoke(
        args=["user", "create", "--email", "NEW@x.test", "--role", "dsp", "--password", "long-enough-pass"]
    )
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    short = runner.invoke(
        args=["user", "create", "--email", "b@x.test", "--role", "dsp", "--password", "short"]
    )
    assert short.exit_code != 0 and "10 characters" in short.output
    unknown = runner.invoke(
        args=[
            "user",
            "create",
            "--email",
            "c@x.test",
            "--role",
            "dsp",
            "--region",
            "Atlantis",
            "--password",
            "long-enough-pass",
        ]
    )
    assert unknown.exit_code != 0 and "Atlantis" in unknown.output


def test_clocks_check_escalates_overdue_alerts(app, make):
    from datetime import timedelta

    from app.escalations.models import StopTheLineAlert

    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.report("dsp@x.test", still_at_risk=True)
    with app.app_context():
        alert = db.session.scalar(select(StopTheLineAlert))
        alert.raised_at -= timedelta(minutes=20)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["clocks", "check"])
    assert result.exit_code == 0 and "1 alert(s) escalated" in result.output, result.output
    with app.app_context():
        assert db.session.scalar(select(StopTheLineAlert.level)) == 2
