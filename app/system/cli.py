import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from app.config import check_production_settings, production_notes
from app.core.clock import org_today
from app.core.dates import last_complete_week, monday
from app.dashboard.tasks import run_cluster_detection
from app.system.tasks import check_clocks

clocks_cli = AppGroup("clocks", help="Clocks, escalations and reminders (run every minute from a scheduler).")


@clocks_cli.command("check")
def check_command():
    """Escalate unacknowledged stop-the-line alerts; remind owners of due and overdue actions.

    The same work as the scheduled ``check_clocks`` job (app/system/tasks.py)."""
    result = check_clocks()
    if result.skipped:
        click.echo("Skipped: another clock check is running.")
        return
    click.echo(f"{result.escalated} alert(s) escalated; {result.reminders} reminder(s) sent.")


clusters_cli = AppGroup("clusters", help="Cluster detection (run weekly from a scheduler).")


@clusters_cli.command("detect")
@click.option(
    "--week",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Any day of the week to test; default: the last complete week.",
)
def detect_command(week):
    """Run Poisson exceedance with FDR control and the local rule for one week; store new clusters.

    The same work as the scheduled ``detect_clusters_for_week`` job (app/dashboard/tasks.py)."""
    day = week.date() if week else last_complete_week(org_today())
    found = run_cluster_detection(day)
    click.echo(f"Week of {monday(day):%Y-%m-%d}: {len(found)} new cluster(s).")
    for cluster in found:
        where = cluster.region.name if cluster.region else f"person {cluster.person_ref}"
        what = cluster.category.name if cluster.category else cluster.interface_type
        click.echo(f"  {cluster.method}: {what} in {where} - {cluster.observed} reports")


@click.command("check-settings")
@with_appcontext
def check_settings_command():
    """Check the settings against what production needs; exit 1 listing the problems."""
    problems = check_production_settings(current_app.config)
    for note in production_notes(current_app.config):
        click.echo(f"note: {note}")
    if problems:
        for problem in problems:
            click.echo(f"problem: {problem}", err=True)
        click.echo(f"{len(problems)} problem(s): these settings are not fit for production.", err=True)
        raise SystemExit(1)
    click.echo("Settings are fit for production.")
