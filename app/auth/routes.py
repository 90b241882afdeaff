from flask import flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import LoginForm
from app.auth.operations import (
    active_sessions,
    authenticate,
    end_all_sessions,
    end_session,
    record_refused_sign_in,
    start_session,
)
from app.auth.sessions import safe_next_url
from app.extensions import db, limiter


def landing_page(user) -> str:
    """DSPs land on the report form (capture in under a minute); everyone else on the home page."""
    return url_for("reports.new_report") if user.is_dsp_only else url_for("system.home")


def _address_and_account() -> str:
    return f"{get_remote_address()}|{request.form.get('email', '').strip().lower()}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
@limiter.limit("8 per minute", methods=["POST"], key_func=_address_and_account)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("system.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            error = "That e-mail and password do not match an active account."
            record_refused_sign_in(form.email.data)
            db.session.commit()
        else:
            session.clear()
            start_session(user, user_agent=request.headers.get("User-Agent"))
            login_user(user)
            db.session.commit()
            return redirect(safe_next_url(request.args.get("next")) or landing_page(user))
    status = 401 if error else (400 if form.errors else 200)
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
@login_required
def logout():
    end_session(current_user.session_token, actor=current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.")
    response = redirect(url_for("auth.login"))
    # Cached pages go; the outbox (IndexedDB, "storage") stays, so unsent reports are never lost.
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.get("/account")
@login_required
def account():
    return render_template("auth/account.html", sessions=active_sessions(current_user))


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session of this user at once - on a lost phone as much as on this device."""
    end_all_sessions(current_user, actor=current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out on every device.")
    response = redirect(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = '"cache"'
    return response
