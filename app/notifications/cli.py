import click
from flask.cli import AppGroup

from app.notifications.push import new_key_pair

notifications_cli = AppGroup("notifications", help="Notifications: Web Push settings.")


@notifications_cli.command("vapid-keys")
def vapid_keys_command():
    """Print a new VAPID key pair for Web Push, as settings to put in the environment of every server."""
    private, public = new_key_pair()
    click.echo(f"VAPID_PRIVATE_KEY={private}")
    click.echo(f"VAPID_PUBLIC_KEY={public}")
    click.echo("VAPID_SUBJECT=mailto:someone-who-reads-mail@your-organisation.example")
