from datetime import timedelta

import click
from flask.cli import AppGroup

from app.actions.operations import notify_due
from app.core.clock import org_today, org_tz
from app.dashboard.operations import detect_clusters
from app.dashboard.queries import monday
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


clusters_cli = AppGroup("clusters", help="Cluster detection (run weekly from a scheduler).")


@clusters_cli.command("detect")
@click.option(
    "--week",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Any day of the week to test; default: the last complete week.",
)
def detect_command(week):
    """Run Poisson exceedance with FDR control and the local rule for one week; store new clusters."""
    day = week.date() if week else monday(org_today()) - timedelta(weeks=1)
    found = detect_clusters(day, tz=org_tz())
    db.session.commit()
    click.echo(f"Week of {monday(day):%Y-%m-%d}: {len(found)} new cluster(s).")
    for cluster in found:
        where = cluster.region.name if cluster.region else f"person {cluster.person_ref}"
        what = cluster.category.name if cluster.category else cluster.interface_type
        click.echo(f"  {cluster.method}: {what} in {where} - {cluster.observed} reports")
