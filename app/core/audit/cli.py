import click
from flask.cli import AppGroup

from app.core.audit.operations import first_chain_problem

audit_cli = AppGroup("audit", help="Inspect the audit trail.")


@audit_cli.command("verify")
def verify_command():
    """Check the hash chain; exit 1 naming the first bad event when it was tampered with."""
    problem = first_chain_problem()
    if problem is not None:
        click.echo(f"Audit chain BROKEN at {problem}", err=True)
        raise SystemExit(1)
    click.echo("Audit chain verified: every event links to the one before it.")
