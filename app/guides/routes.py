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
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.form_flow import save_and_flash, save_form
from app.core.forms import checked, form_int
from app.core.i18n import LANGUAGES, current_language
from app.core.models import now_utc
from app.core.pdf import PdfRenderError
from app.core.roles import Role
from app.extensions import db
from app.guides import bp
from app.guides.defaults import GUIDE_ROLES, guide_audiences
from app.guides.forms import content_as_form, content_from_form, page_size_argument
from app.guides.models import CueGuideVersion
from app.guides.operations import LIMITS, PAGE_SIZES, print_guide, publish_version, save_guide
from app.guides.queries import (
    default_guide,
    languages_behind,
    public_reporting_link,
    public_reporting_links,
    published_content,
    saved_version,
    versions_of,
)
from app.guides.reads import confirm_on_page, guide_role_of, guide_to_confirm, reading_of

EDITOR_ROLES = {Role.TRAINER, Role.ADMIN, Role.QUALITY_LEAD}


@bp.app_context_processor
def _my_guide():
    """``my_guide_role``: the guide that fits the signed-in user (the report form links to it)."""
    if not has_request_context() or not current_user.is_authenticated:
        return {"my_guide_role": "dsp"}
    return {"my_guide_role": guide_role_of(current_user) or "dsp"}


def _role(role: str) -> str:
    if role not in GUIDE_ROLES:
        abort(404)
    return role


def _can_edit() -> bool:
    return bool(current_user.roles & EDITOR_ROLES)


@bp.app_context_processor
def _guide_words():
    """``guide_audiences`` (role -> who the guide is for, spelled out) and ``language_names``."""
    return {"guide_audiences": guide_audiences(), "language_names": language_names()}


def language_names() -> dict[str, str]:
    """Each guide language's name in the page's language ("Spanish" / "español")."""
    return {"en": _("English"), "es": _("Spanish")}


@bp.get("/guides")
@login_required
def index():
    language = current_language()
    return render_template(
        "guides/index.html",
        roles=GUIDE_ROLES,
        titles={r: published_content(r, language)[0]["title"] for r in GUIDE_ROLES},
        behind={r: languages_behind(r) for r in GUIDE_ROLES} if _can_edit() else {},
        language=language,
        languages=LANGUAGES,
    )


@bp.get("/guides/<role>")
@login_required
def show(role: str):
    language = current_language()
    content, version = published_content(_role(role), language)
    return render_template(
        "guides/show.html",
        role=role,
        guide=content,
        version=version,
        language=language,
        can_edit=_can_edit(),
        sizes=PAGE_SIZES,
        public_links=public_reporting_links(),
        reading=reading_of(current_user, role, language, version),
    )


@bp.post("/guides/<role>/read")
@login_required
def confirm_read(role: str):
    """ "I have read this version" without the page scripts (with them, the outbox sends it)."""
    role = _role(role)
    return save_and_flash(
        lambda: confirm_on_page(
            current_user, role, current_language(), form_int(request.form.get("version")), now=now_utc()
        ),
        message=_("Thank you: your reading of this version is recorded."),
        then=lambda: redirect(url_for("guides.show", role=role)),
    )


@bp.app_template_global()
def guide_to_confirm_for_me() -> dict | None:
    """The report form's small prompt: the signed-in person's guide, when its current version is
    not confirmed yet."""
    if not current_user.is_authenticated:
        return None
    return guide_to_confirm(current_user, current_language())


@bp.get("/guides/<role>.pdf")
@login_required
def pdf(role: str):
    role = _role(role)
    size = page_size_argument(request.args, current_app.config["GUIDE_PAGE_SIZE"])
    language = current_language()
    try:
        rendered = print_guide(
            role, size, actor=current_user, public_link=_public_link(request.args), language=language
        )
    except PdfRenderError as exc:
        abort(503, str(exc))
    db.session.commit()
    return _inline_pdf(rendered.data, f"near-miss-cues-{role}-{language}-{size}.pdf")


def _inline_pdf(data: bytes, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _public_link(args) -> dict | None:
    """``?program=ID``: that program's public reporting link on the printed guide (404 if it has none)."""
    if "program" not in args:
        return None
    link = public_reporting_link(form_int(args["program"]))
    if link is None:
        abort(404, _("That program has no public reporting link."))
    return link


@bp.route("/guides/<role>/edit", methods=["GET", "POST"])
@login_required
def edit(role: str):
    """Saving renders the guide in both paper sizes: one that would not fit a page is refused (422)."""
    role = _role(role)
    if not _can_edit():
        abort(403, _("Cue guides are edited by trainers."))
    language = current_language()
    if request.method == "GET":
        return _edit_page(role, content_as_form(published_content(role, language)[0]), {})
    content = content_from_form(request.form)
    return save_form(
        lambda: save_guide(
            role, content, actor=current_user, publish=checked(request.form, "publish"), language=language
        ),
        saved=_guide_saved,
        invalid=lambda errors: _edit_page(role, request.form.to_dict(), errors),
    )


def _edit_page(role: str, values: dict, errors: dict) -> str:
    return render_template(
        "guides/edit.html",
        role=role,
        values=values,
        errors=errors,
        limits=LIMITS,
        language=current_language(),
        behind=languages_behind(role),
    )


def _guide_saved(version: CueGuideVersion):
    if version.published:
        flash(_("Saved as version %(number)s and published.", number=version.version))
    else:
        flash(_("Saved as version %(number)s.", number=version.version))
    return redirect(url_for("guides.versions", role=version.role, lang=version.language))


@bp.get("/guides/<role>/versions")
@login_required
def versions(role: str):
    role = _role(role)
    if not _can_edit():
        abort(403, _("Cue guides are edited by trainers."))
    language = current_language()
    return render_template(
        "guides/versions.html",
        role=role,
        versions=versions_of(role, language),
        default=default_guide(role, language),
        language=language,
    )


def _editable_version(role: str, number: int) -> CueGuideVersion:
    """One saved version of a role's guide, for those who edit guides (403 for others, 404 if none)."""
    if not _can_edit():
        abort(403, _("Cue guides are edited by trainers."))
    row = saved_version(role, number, current_language())
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
        language=row.language,
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
    flash(_("Version %(number)s is now the printed guide.", number=number))
    return redirect(url_for("guides.versions", role=role, lang=row.language))
