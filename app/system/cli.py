import click
from flask.cli import AppGroup

from app.actions.operations import notify_due
from app.core.clock import org_today
from app.escalations.operations import escalate_overdue_alerts
from app.extensions import db

clocks_cli = AppGroup("clocks", help="Clocks, escalations and reminders (run every minute from a scheduler).")


@clocks_cli.command("check")
def check_command():
    """Escalate unacknowledged stop-the-line alerts; remind owners of due and overdue actions."""
    escalated = escalate_overdue_alerts()
    reminders = notify_due(org_today())
    db.session.commit()
    click.echo(f"{len(escalated)} alert(s) escalated; {reminders} reminder(s) sent.")
