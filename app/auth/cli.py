import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.auth.operations import AccountError, create_user
from app.core.roles import Role
from app.extensions import db
from app.taxonomy.models import Region

user_cli = AppGroup("user", help="Manage user accounts.")


@user_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", default="")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role]))
@click.option("--region", "region_names", multiple=True, help="Region name (repeatable).")
@click.password_option(help="At least 10 characters.")
def create_user_command(email, name, roles, region_names, password):
    """Create a user with one or more roles and regions."""
    regions = []
    for region_name in region_names:
        region = db.session.scalar(select(Region).where(Region.name == region_name))
        if region is None:
            raise click.BadParameter(f"No region called {region_name!r}.", param_hint="--region")
        regions.append(region)
    try:
        user = create_user(email=email, name=name, password=password, roles=roles, regions=regions)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(roles))}).")
