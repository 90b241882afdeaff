"""The oversight export's pages: a period form (linked from the administration pages and the packs
page), the download in CSV or JSON, and the JSON Schema it follows."""

from flask import abort, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.clock import org_today, org_tz
from app.core.models import now_utc
from app.core.roles import ADMIN_ROLES, PACK_ROLES, SAFEGUARDING_NEED_TO_KNOW, Role
from app.extensions import db
from app.packs import bp
from app.packs.forms import export_scope
from app.packs.incident_export import SCHEMA_PATH, build_export, export_body, export_filename, export_schema
from app.packs.operations import record_oversight_export
from app.taxonomy.queries import regions_by_name

EXPORT_ROLES = ADMIN_ROLES | PACK_ROLES | {Role.SUPERVISOR}
"""Administrators, managers and the quality lead (every region), and supervisors (their regions)."""


def _permitted():
    """The regions the person exports: every region for the organisation-wide roles, a supervisor's
    own regions (never widened by an emergency grant, which is for reading a case, not exporting)."""
    if not current_user.roles & EXPORT_ROLES:
        abort(
            403, _("The oversight export is for administrators, managers, the quality lead and supervisors.")
        )
    return None if current_user.roles & (ADMIN_ROLES | PACK_ROLES) else frozenset(current_user.region_ids)


def _safeguarding_permitted():
    """Where the person may read safeguarding-restricted reports: everywhere for the safeguarding and
    quality leads, a supervisor's own regions, nowhere for administrators and managers."""
    if current_user.roles & SAFEGUARDING_NEED_TO_KNOW:
        return None
    return frozenset(current_user.region_ids) if Role.SUPERVISOR in current_user.roles else frozenset()


@bp.get("/packs/oversight-export")
@login_required
def oversight_export():
    permitted = _permitted()
    today = org_today()
    regions = [r for r in regions_by_name() if permitted is None or r.id in permitted]
    return render_template(
        "packs/oversight_export.html",
        regions=regions,
        default_to=today.isoformat(),
        schema_file=SCHEMA_PATH.name,
    )


@bp.get("/packs/oversight-export/download")
@login_required
def oversight_export_download():
    scope, fmt = export_scope(request.args, org_today(), _permitted(), _safeguarding_permitted())
    document = build_export(scope, tz=org_tz(), now=now_utc())
    body, content_type = export_body(document, fmt)
    record_oversight_export(scope, fmt, len(document["records"]), actor=current_user, via="admin page")
    db.session.commit()
    response = make_response(body)
    response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = f'attachment; filename="{export_filename(scope, fmt)}"'
    return response


@bp.get("/packs/oversight-export/schema.json")
@login_required
def oversight_export_schema():
    _permitted()
    return jsonify(export_schema())
