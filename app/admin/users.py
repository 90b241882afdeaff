"""Administration of users, their roles, passkeys and sessions, and the sign-in policy per role."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from app.admin import bp
from app.auth.models import Passkey, User, UserRole
from app.auth.operations import (
    AccountError,
    active_sessions,
    create_user,
    end_all_sessions,
    end_session_by_id,
    set_password,
    set_user_active,
    update_user,
)
from app.auth.passkeys import active_passkeys, revoke_passkey
from app.auth.policy import role_policies, set_role_policy
from app.core.forms import form_int
from app.core.roles import Role
from app.extensions import db
from app.taxonomy.models import Region


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _chosen_roles() -> list[Role]:
    known = {role.value for role in Role}
    return [Role(value) for value in request.form.getlist("roles") if value in known]


def _chosen_regions() -> list[Region]:
    ids = [i for i in (form_int(v) for v in request.form.getlist("regions")) if i]
    return list(db.session.scalars(select(Region).where(Region.id.in_(ids)))) if ids else []


def _all_regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.name)))


@bp.get("/users")
def users():
    query = request.args.get("q", "").strip()[:100]
    role = request.args.get("role", "")
    status = request.args.get("status", "active")
    statement = select(User).order_by(User.name)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(
            or_(func.lower(User.name).like(pattern), func.lower(User.email).like(pattern))
        )
    if role in {r.value for r in Role}:
        statement = statement.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if status == "active":
        statement = statement.where(User.active)
    elif status == "inactive":
        statement = statement.where(User.active.is_(False))
    people = list(db.session.scalars(statement.limit(500)))
    passkey_counts = dict(
        db.session.execute(
            select(Passkey.user_id, func.count())
            .where(Passkey.revoked_at.is_(None))
            .group_by(Passkey.user_id)
        ).all()
    )
    return render_template(
        "admin/users.html",
        people=people,
        passkey_counts=passkey_counts,
        roles=list(Role),
        filters={"q": query, "role": role, "status": status},
    )


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    error, status = None, 200
    if request.method == "POST":
        try:
            user = create_user(
                email=request.form.get("email", ""),
                name=request.form.get("name", ""),
                password=request.form.get("password", ""),
                roles=_chosen_roles(),
                regions=_chosen_regions(),
                actor=current_user,
            )
        except AccountError as exc:
            db.session.rollback()
            error, status = str(exc), 422
        else:
            db.session.commit()
            flash(f"Account for {user.email} created.")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template(
        "admin/user_new.html", error=error, roles=list(Role), regions=_all_regions(), values=request.form
    ), status


def _user_page(person: User, *, error: str | None = None, status: int = 200):
    return render_template(
        "admin/user.html",
        person=person,
        error=error,
        roles=list(Role),
        regions=_all_regions(),
        passkeys=active_passkeys(person),
        sessions=active_sessions(person),
    ), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    person = _user_or_404(user_id)
    if request.method == "POST":
        return _account_change(
            person,
            lambda: update_user(
                person,
                name=request.form.get("name", ""),
                roles=_chosen_roles(),
                regions=_chosen_regions(),
                actor=current_user,
            ),
            "Saved.",
        )
    return _user_page(person)


def _account_change(person: User, change, success: str):
    """Apply one audited change to an account; a refusal shows the page again with the reason."""
    try:
        change()
    except AccountError as exc:
        db.session.rollback()
        return _user_page(_user_or_404(person.id), error=str(exc), status=422)
    db.session.commit()
    flash(success)
    return redirect(url_for("admin.user", user_id=person.id))


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
        lambda: set_password(person, request.form.get("password", ""), actor=current_user),
        "New password set; the user's sessions have ended.",
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
    flash("That session has ended.")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.post("/users/<int:user_id>/passkeys/<int:passkey_id>/revoke")
def revoke_user_passkey(user_id: int, passkey_id: int):
    person = _user_or_404(user_id)
    passkey = db.session.get(Passkey, passkey_id)
    if passkey is None or passkey.user_id != person.id or passkey.revoked_at is not None:
        abort(404)
    revoke_passkey(passkey, actor=current_user)
    db.session.commit()
    flash(f"Passkey “{passkey.name}” revoked.")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/roles", methods=["GET", "POST"])
def roles():
    if request.method == "POST":
        chosen_passkey = set(request.form.getlist("passkey_required"))
        chosen_shared = set(request.form.getlist("shared_device"))
        changed = 0
        for role in Role:
            changed += set_role_policy(
                role,
                passkey_required=role.value in chosen_passkey,
                shared_device=role.value in chosen_shared,
                actor=current_user,
            )
        db.session.commit()
        flash(f"Sign-in rules saved ({changed} role{'s' if changed != 1 else ''} changed).")
        return redirect(url_for("admin.roles"))
    return render_template("admin/roles.html", policies=role_policies())
