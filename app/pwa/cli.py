from pathlib import Path

import click
from flask.cli import AppGroup

from app.pwa.publish import publish_static

assets_cli = AppGroup("assets", help="Static files: publish them, precompressed, for nginx.")


@assets_cli.command("publish")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
def publish_command(target: Path):
    """Copy static/ and the worker's modules (into sw/) into TARGET, with a .gz and a .br beside each
    text file (nginx's gzip_static and brotli_static serve them)."""
    written = publish_static(target)
    click.echo(f"Published static files to {target} ({len(written)} precompressed).")
