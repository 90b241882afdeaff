from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import LoginForm
from app.auth.operations import authenticate, end_session, start_session
from app.auth.sessions import safe_next_url
from app.extensions import db


def landing_page(user) -> str:
    """DSPs land on the report form (capture in under a minute); everyone else on the home page."""
    return url_for("reports.new_report") if user.is_dsp_only else url_for("system.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("system.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            error = "That e-mail and password do not match an active account."
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
