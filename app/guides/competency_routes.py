"""Trainers' pages: the staff and their competency checks, recording a check, and the coverage of the
guides and checks by role, region and team (which managers, the quality lead, administrators and the
supervisors of a region - for their regions - see too)."""

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.clock import org_today
from app.core.form_flow import back_to, save_form
from app.core.models import now_utc
from app.core.roles import COMPETENCY_ASSESSOR_ROLES
from app.guides import bp
from app.guides.competency import (
    RESULTS,
    SKILLS,
    STAFF_ROLE_NAMES,
    checks_of,
    latest_checks,
    record_check,
    staff_in,
    staff_member,
)
from app.guides.coverage import coverage, coverage_regions, sees_coverage
from app.guides.forms import check_from_form, period_arguments
from app.guides.reads import current_versions, guide_role_of, readers_of_current


def _require_assessor() -> None:
    if not current_user.has_role(*COMPETENCY_ASSESSOR_ROLES):
        abort(403, _("Competency checks are recorded by trainers."))


def _person(user_id: int):
    _require_assessor()
    person = staff_member(user_id)
    if person is None:
        abort(404)
    return person


@bp.get("/competency")
@login_required
def competency_index():
    _require_assessor()
    people = staff_in(None)
    return render_template(
        "guides/competency.html",
        people=people,
        latest=latest_checks(p.id for p in people),
        confirmed=_confirmed(people),
        guide_role_of=guide_role_of,
        skills=SKILLS,
        results=RESULTS,
    )


def _confirmed(people) -> set[int]:
    """Of ``people``, those who confirmed the current version of their own role's guide."""
    versions = current_versions()
    confirmed = set()
    for guide in {guide_role_of(p) for p in people}:
        confirmed |= readers_of_current([p.id for p in people if guide_role_of(p) == guide], guide, versions)
    return confirmed


@bp.route("/competency/people/<int:user_id>", methods=["GET", "POST"])
@login_required
def competency_person(user_id: int):
    """A person's checks, and the form to record one (the assessor is the signed-in trainer)."""
    person = _person(user_id)
    if request.method == "GET":
        return _person_page(person, {"checked_on": org_today().isoformat()}, {})
    fields = check_from_form(request.form)
    return save_form(
        lambda: record_check(person, **fields, assessor=current_user, today=org_today(), now=now_utc()),
        saved=back_to("guides.competency_person", lambda _check: _("Check recorded."), user_id=person.id),
        invalid=lambda errors: _person_page(person, request.form.to_dict(), errors),
    )


def _person_page(person, values: dict, errors: dict) -> str:
    return render_template(
        "guides/competency_person.html",
        person=person,
        checks=checks_of(person),
        skills=SKILLS,
        results=RESULTS,
        values=values,
        errors=errors,
        today=org_today(),
    )


@bp.get("/competency/coverage")
@login_required
def coverage_page():
    if not sees_coverage(current_user):
        abort(403, _("Coverage is for trainers, managers and supervisors."))
    first, last = period_arguments(request.args, org_today())
    regions = coverage_regions(current_user)
    return render_template(
        "guides/coverage.html",
        coverage=coverage(regions, first, last),
        all_regions=regions is None,
        role_names=STAFF_ROLE_NAMES,
        can_record=current_user.has_role(*COMPETENCY_ASSESSOR_ROLES),
    )
