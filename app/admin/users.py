"""Administration of users, their roles, passkeys and sessions, and the sign-in policy per role."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.admin import bp
from app.admin.forms import account_fields, role_policy_choices, typed_password, user_filters
from app.admin.operations import save_role_policies
from app.admin.queries import passkey_counts, regions_with_ids, row_by_id, users_matching
from app.anonymous.queries import is_link_account
from app.auth.models import User
from app.auth.operations import (
    create_user,
    end_all_sessions,
    end_session_by_id,
    set_password,
    set_user_active,
    update_user,
)
from app.auth.passkeys import active_passkeys, revoke_passkey
from app.auth.policy import role_policies
from app.auth.queries import active_sessions, open_passkey
from app.core.form_flow import back_to, save_form
from app.core.roles import Role
from app.core.validation import reasons_sentence
from app.extensions import db
from app.taxonomy.queries import regions_by_name


def _user_or_404(user_id: int) -> User:
    user = row_by_id(User, user_id)
    if user is None or is_link_account(user.id):
        abort(404)
    return user


@bp.get("/users")
def users():
    filters = user_filters(request.args)
    return render_template(
        "admin/users.html",
        people=users_matching(filters),
        passkey_counts=passkey_counts(),
        roles=list(Role),
        filters=filters.as_dict(),
    )


def _new_user_page(error: str | None = None):
    return render_template(
        "admin/user_new.html", error=error, roles=list(Role), regions=regions_by_name(), values=request.form
    )


def _account_created(user: User):
    flash(_("Account for %(email)s created.", email=user.email))
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    if request.method == "GET":
        return _new_user_page()
    account = account_fields(request.form)
    return save_form(
        lambda: create_user(
            email=account.email,
            name=account.name,
            password=typed_password(request.form),
            roles=account.roles,
            regions=regions_with_ids(account.region_ids),
            actor=current_user,
        ),
        saved=_account_created,
        invalid=lambda errors: _new_user_page(reasons_sentence(errors)),
    )


def _user_page(person: User, *, error: str | None = None):
    return render_template(
        "admin/user.html",
        person=person,
        error=error,
        roles=list(Role),
        regions=regions_by_name(),
        passkeys=active_passkeys(person),
        sessions=active_sessions(person),
    )


def _account_change(person: User, change, success: str):
    """Apply one audited change to an account; a refusal shows the page again with the reason."""
    return save_form(
        change,
        saved=back_to("admin.user", user_id=person.id),
        invalid=lambda errors: _user_page(person, error=reasons_sentence(errors)),
        message=success,
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    person = _user_or_404(user_id)
    if request.method == "GET":
        return _user_page(person)
    account = account_fields(request.form)
    return _account_change(
        person,
        lambda: update_user(
            person,
            name=account.name,
            roles=account.roles,
            regions=regions_with_ids(account.region_ids),
            actor=current_user,
        ),
        _("Saved."),
    )


@bp.post("/users/<int:user_id>/deactivate")
def deactivate_user(user_id: int):
    person = _user_or_404(user_id)
    return _account_change(
        person,
        lambda: set_user_active(person, False, actor=current_user),
        f"{person.name} is deactivated and signed out everywhere.",
    )


@bp.post("/users/<int:user_id>/reactivate")
def reactivate_user(user_id: int):
    person = _user_or_404(user_id)
    return _account_change(
        person, lambda: set_user_active(person, True, actor=current_user), f"{person.name} is active again."
    )


@bp.post("/users/<int:user_id>/password")
def set_user_password(user_id: int):
    person = _user_or_404(user_id)
    return _account_change(
        person,
        lambda: set_password(person, typed_password(request.form), actor=current_user),
        _("New password set; the user's sessions have ended."),
    )


@bp.post("/users/<int:user_id>/sign-out-everywhere")
def sign_user_out_everywhere(user_id: int):
    person = _user_or_404(user_id)
    return _account_change(
        person,
        lambda: end_all_sessions(person, actor=current_user),
        f"{person.name} is signed out everywhere.",
    )


@bp.post("/users/<int:user_id>/sessions/<int:session_id>/end")
def end_user_session(user_id: int, session_id: int):
    person = _user_or_404(user_id)
    if not end_session_by_id(person, session_id, actor=current_user):
        abort(404)
    db.session.commit()
    flash(_("That session has ended."))
    return redirect(url_for("admin.user", user_id=person.id))


@bp.post("/users/<int:user_id>/passkeys/<int:passkey_id>/revoke")
def revoke_user_passkey(user_id: int, passkey_id: int):
    person = _user_or_404(user_id)
    passkey = open_passkey(passkey_id, owner=person)
    if passkey is None:
        abort(404)
    revoke_passkey(passkey, actor=current_user)
    db.session.commit()
    flash(_("Passkey “%(name)s” revoked.", name=passkey.name))
    return redirect(url_for("admin.user", user_id=person.id))


def _rules_saved(changed: int) -> str:
    return ngettext(
        "Sign-in rules saved (%(num)s role changed).", "Sign-in rules saved (%(num)s roles changed).", changed
    )


@bp.route("/roles", methods=["GET", "POST"])
def roles():
    if request.method == "GET":
        return render_template("admin/roles.html", policies=role_policies())
    passkey_required, shared_device = role_policy_choices(request.form)
    changed = save_role_policies(passkey_required, shared_device, actor=current_user)
    db.session.commit()
    flash(_rules_saved(changed))
    return redirect(url_for("admin.roles"))
