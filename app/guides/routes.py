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

from app.core.form_flow import save_form
from app.core.forms import checked, form_int
from app.core.pdf import PdfRenderError
from app.core.roles import Role
from app.extensions import db
from app.guides import bp
from app.guides.defaults import DEFAULT_GUIDES, GUIDE_ROLES, ROLE_TO_GUIDE
from app.guides.forms import content_as_form, content_from_form, page_size_argument
from app.guides.models import CueGuideVersion
from app.guides.operations import LIMITS, PAGE_SIZES, print_guide, publish_version, save_guide
from app.guides.queries import (
    public_reporting_link,
    public_reporting_links,
    published_content,
    saved_version,
    versions_of,
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
        "guides/show.html",
        role=role,
        guide=content,
        version=version,
        can_edit=_can_edit(),
        sizes=PAGE_SIZES,
        public_links=public_reporting_links(),
    )


@bp.get("/guides/<role>.pdf")
@login_required
def pdf(role: str):
    role = _role(role)
    size = page_size_argument(request.args, current_app.config["GUIDE_PAGE_SIZE"])
    try:
        rendered = print_guide(role, size, actor=current_user, public_link=_public_link(request.args))
    except PdfRenderError as exc:
        abort(503, str(exc))
    db.session.commit()
    response = make_response(rendered.data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="near-miss-cues-{role}-{size}.pdf"'
    return response


def _public_link(args) -> dict | None:
    """``?program=ID``: that program's public reporting link on the printed guide (404 if it has none)."""
    if "program" not in args:
        return None
    link = public_reporting_link(form_int(args["program"]))
    if link is None:
        abort(404, "That program has no public reporting link.")
    return link


@bp.route("/guides/<role>/edit", methods=["GET", "POST"])
@login_required
def edit(role: str):
    """Saving renders the guide in both paper sizes: one that would not fit a page is refused (422)."""
    role = _role(role)
    if not _can_edit():
        abort(403, "Cue guides are edited by trainers.")
    if request.method == "GET":
        return _edit_page(role, content_as_form(published_content(role)[0]), {})
    content = content_from_form(request.form)
    return save_form(
        lambda: save_guide(role, content, actor=current_user, publish=checked(request.form, "publish")),
        saved=_guide_saved,
        invalid=lambda errors: _edit_page(role, request.form.to_dict(), errors),
    )


def _edit_page(role: str, values: dict, errors: dict) -> str:
    return render_template("guides/edit.html", role=role, values=values, errors=errors, limits=LIMITS)


def _guide_saved(version: CueGuideVersion):
    flash(f"Saved as version {version.version}{' and published' if version.published else ''}.")
    return redirect(url_for("guides.versions", role=version.role))


@bp.get("/guides/<role>/versions")
@login_required
def versions(role: str):
    role = _role(role)
    if not _can_edit():
        abort(403, "Cue guides are edited by trainers.")
    return render_template(
        "guides/versions.html", role=role, versions=versions_of(role), default=DEFAULT_GUIDES[role]
    )


def _editable_version(role: str, number: int) -> CueGuideVersion:
    """One saved version of a role's guide, for those who edit guides (403 for others, 404 if none)."""
    if not _can_edit():
        abort(403, "Cue guides are edited by trainers.")
    row = saved_version(role, number)
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
