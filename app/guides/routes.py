from flask import (
    abort,
    current_app,
    flash,
    has_request_context,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from app.core.audit.access import record_access
from app.core.pdf import PdfRenderError, render_pdf
from app.core.roles import Role
from app.extensions import db
from app.guides import bp
from app.guides.defaults import DEFAULT_GUIDES, GUIDE_ROLES, ROLE_TO_GUIDE
from app.guides.models import CueGuideVersion
from app.guides.operations import (
    LIMITS,
    PAGE_SIZES,
    GuideInvalid,
    content_as_form,
    content_from_form,
    guide_document,
    publish_version,
    published_content,
    save_guide,
)

EDITOR_ROLES = {Role.TRAINER, Role.ADMIN, Role.QUALITY_LEAD}


@bp.app_context_processor
def _my_guide():
    """``my_guide_role``: the guide that fits the signed-in user (the report form links to it)."""
    if not has_request_context() or not current_user.is_authenticated:
        return {"my_guide_role": "dsp"}
    for role in current_user.roles:
        if str(role) in ROLE_TO_GUIDE and str(role) != "dsp":
            return {"my_guide_role": ROLE_TO_GUIDE[str(role)]}
    return {"my_guide_role": "dsp"}


def _role(role: str) -> str:
    if role not in GUIDE_ROLES:
        abort(404)
    return role


def _can_edit() -> bool:
    return bool(current_user.roles & EDITOR_ROLES)


@bp.get("/guides")
@login_required
def index():
    return render_template(
        "guides/index.html",
        roles=GUIDE_ROLES,
        titles={r: published_content(r)[0]["title"] for r in GUIDE_ROLES},
    )


@bp.get("/guides/<role>")
@login_required
def show(role: str):
    content, version = published_content(_role(role))
    return render_template(
        "guides/show.html", role=role, guide=content, version=version, can_edit=_can_edit(), sizes=PAGE_SIZES
    )


@bp.get("/guides/<role>.pdf")
@login_required
def pdf(role: str):
    content, version = published_content(_role(role))
    size = request.args.get("size", current_app.config["GUIDE_PAGE_SIZE"])
    if size not in PAGE_SIZES:
        abort(400, "Choose size=a4 or size=letter.")
    try:
        rendered = render_pdf(guide_document(content, role, size, version))
    except PdfRenderError as exc:
        abort(503, str(exc))
    record_access(
        "guide.download",
        actor=current_user,
        object_type="guide",
        object_id=role,
        detail={"version": version, "size": size, "pages": rendered.pages},
    )
    db.session.commit()
    response = make_response(rendered.data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="near-miss-cues-{role}-{size}.pdf"'
    return response


@bp.route("/guides/<role>/edit", methods=["GET", "POST"])
@login_required
def edit(role: str):
    role = _role(role)
    if not _can_edit():
        abort(403, "Cue guides are edited by trainers.")
    errors, status = {}, 200
    if request.method == "POST":
        content = content_from_form(request.form)
        try:
            version = save_guide(
                role, content, actor=current_user, publish=request.form.get("publish") == "on"
            )
        except GuideInvalid as exc:
            db.session.rollback()
            errors, status = exc.errors, 422
            values = request.form.to_dict()
        else:
            db.session.commit()
            flash(f"Saved as version {version.version}{' and published' if version.published else ''}.")
            return redirect(url_for("guides.versions", role=role))
    else:
        values = content_as_form(published_content(role)[0])
    return render_template("guides/edit.html", role=role, values=values, errors=errors, limits=LIMITS), status


@bp.get("/guides/<role>/versions")
@login_required
def versions(role: str):
    role = _role(role)
    if not _can_edit():
        abort(403, "Cue guides are edited by trainers.")
    rows = db.session.scalars(
        select(CueGuideVersion).where(CueGuideVersion.role == role).order_by(CueGuideVersion.version.desc())
    ).all()
    return render_template("guides/versions.html", role=role, versions=rows, default=DEFAULT_GUIDES[role])


def _editable_version(role: str, number: int) -> CueGuideVersion:
    """One saved version of a role's guide, for those who edit guides (403 for others, 404 if none)."""
    if not _can_edit():
        abort(403, "Cue guides are edited by trainers.")
    row = db.session.scalar(
        select(CueGuideVersion).where(CueGuideVersion.role == role, CueGuideVersion.version == number)
    )
    if row is None:
        abort(404)
    return row


@bp.get("/guides/<role>/versions/<int:number>")
@login_required
def version(role: str, number: int):
    role = _role(role)
    row = _editable_version(role, number)
    return render_template(
        "guides/show.html",
        role=role,
        guide=row.content,
        version=row.version,
        can_edit=True,
        sizes=PAGE_SIZES,
        viewing_old=not row.published,
        row=row,
    )


@bp.post("/guides/<role>/versions/<int:number>/publish")
@login_required
def publish(role: str, number: int):
    role = _role(role)
    row = _editable_version(role, number)
    publish_version(row, actor=current_user)
    db.session.commit()
    flash(f"Version {number} is now the printed guide.")
    return redirect(url_for("guides.versions", role=role))
