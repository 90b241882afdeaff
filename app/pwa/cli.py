from pathlib import Path

import click
from flask.cli import AppGroup

from app.pwa.publish import MinifierMissing, publish_static

assets_cli = AppGroup("assets", help="Static files: publish them, minified and precompressed, for nginx.")


@assets_cli.command("publish")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-minify", is_flag=True, help="Copy scripts and styles as written (no esbuild needed).")
def publish_command(target: Path, no_minify: bool):
    """Copy static/ and the worker's modules (into sw/) into TARGET, scripts and styles minified, with
    a .gz and a .br beside each text file (nginx's gzip_static and brotli_static serve them)."""
    try:
        written = publish_static(target, minified=not no_minify)
    except MinifierMissing as exc:
        raise click.ClickException(str(exc)) from None
    how = "as written" if no_minify else "minified"
    click.echo(
        f"Published static files to {target}, scripts and styles {how} ({len(written)} precompressed)."
    )
