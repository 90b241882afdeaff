import click
from flask import current_app
from flask.cli import AppGroup

from app.auth.passwords import MIN_PASSWORD_LENGTH
from app.demo.loader import DEMO_DOMAIN, DEMO_USERS, demo_already_loaded, load_demo
from app.extensions import db
from app.reports.operations import SubmissionSettings

demo_cli = AppGroup("demo", help="Demo organisation for trying the product.")


@demo_cli.command("load")
@click.option("--password", required=True, help="Password for every demo account.")
@click.option("--weeks", default=52, show_default=True, help="Weeks of reports to generate.")
def load_command(password, weeks):
    """Load regions, programs, a user of every role and a year of reports."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(f"use at least {MIN_PASSWORD_LENGTH} characters", param_hint="--password")
    if demo_already_loaded():
        click.echo("The demo organisation is already loaded; nothing to do.")
        return
    _users, report_count = load_demo(
        password, SubmissionSettings.from_config(current_app.config), weeks=weeks
    )
    db.session.commit()
    click.echo(f"Loaded {len(DEMO_USERS)} users and {report_count} reports.")
    click.echo("Sign in as any of: " + ", ".join(f"{u[0]}@{DEMO_DOMAIN}" for u in DEMO_USERS))
