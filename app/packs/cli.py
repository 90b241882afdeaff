"""``flask export``: the oversight export from the command line (a scheduled hand-over to a state
incident system, say). Every region; the run is recorded in the audit log like a download."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.core.clock import org_tz
from app.core.models import now_utc
from app.extensions import db
from app.packs.incident_export import FORMATS, ExportScope, build_export, export_body
from app.packs.operations import record_oversight_export
from app.packs.queries import region_by_id


@click.command("export")
@click.option("--from", "first", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="First day.")
@click.option("--to", "last", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("--region", "region_id", type=int, default=None, help="One region's id; default: every region.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_command(first, last, fmt, region_id, out):
    """Write the oversight export (critical incidents and near misses of the period, mapped to the
    critical-incident categories) as CSV or JSON; docs/oversight-export.md describes the fields."""
    if first.date() > last.date():
        raise click.BadParameter("the period ends before it starts", param_hint="--to")
    if region_id is None:
        scope = ExportScope(first.date(), last.date(), None, "All regions")
    else:
        region = region_by_id(region_id)
        if region is None:
            raise click.BadParameter("no such region", param_hint="--region")
        scope = ExportScope(first.date(), last.date(), frozenset({region_id}), region.name)
    document = build_export(scope, tz=org_tz(), now=now_utc())
    body, _content_type = export_body(document, fmt)
    out.write_text(body, encoding="utf-8")
    record_oversight_export(scope, fmt, len(document["records"]), actor=None, via="command line")
    db.session.commit()
    click.echo(f"{len(document['records'])} record(s) written to {out}.")
