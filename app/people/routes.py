from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.form_flow import back_to, save_form
from app.core.forms import form_text
from app.core.pseudonyms import PSEUDONYM
from app.core.roles import ADMIN_ROLES
from app.extensions import db
from app.people import bp
from app.people.operations import correct_person_ref, record_person_view
from app.people.queries import all_person_refs, may_open_person_view, person_reports, refs_of, timeline


@bp.get("/people/<person>")
@login_required
def person(person: str):
    """One person's history; 404 alike for a malformed pseudonym and a person with no report the viewer
    may read, so the page never tells who exists elsewhere."""
    if not may_open_person_view(current_user):
        abort(403, _("The person view is for supervisors, nurses, quality and safeguarding leads."))
    reports = person_reports(current_user, refs_of(current_user, person)) if PSEUDONYM.match(person) else []
    if not reports:
        abort(404)
    record_person_view(current_user, person, [report.id for report in reports])
    db.session.commit()
    return render_template(
        "people/show.html", person=person, reports=reports, moments=timeline(current_user, reports)
    )


@bp.route("/admin/people", methods=["GET", "POST"])
@login_required
def correct():
    """An administrator corrects a mistyped reference, or merges two that name one person."""
    if not current_user.roles & ADMIN_ROLES:
        abort(403, _("Administration is for administrators."))
    refs = all_person_refs()
    if request.method == "GET":
        return render_template("people/admin.html", refs=refs, errors={}, values={})
    old, new = form_text(request.form, "old"), form_text(request.form, "new")
    return save_form(
        lambda: correct_person_ref(current_user, old, new, known=[r.ref for r in refs]),
        saved=back_to("people.correct", lambda n: _("%(count)s reports now carry the reference.", count=n)),
        invalid=lambda errors: render_template(
            "people/admin.html", refs=refs, errors=errors, values={"old": old, "new": new}
        ),
    )
