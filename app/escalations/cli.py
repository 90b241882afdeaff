import click
from flask.cli import AppGroup

from app.escalations.operations import escalate_overdue_alerts
from app.extensions import db

clocks_cli = AppGroup("clocks", help="Clocks and escalations (run every minute from a scheduler).")


@clocks_cli.command("check")
def check_command():
    """Escalate stop-the-line alerts that were not acknowledged in time."""
    escalated = escalate_overdue_alerts()
    db.session.commit()
    click.echo(f"{len(escalated)} alert(s) escalated.")
