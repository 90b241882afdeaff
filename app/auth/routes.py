from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import LoginForm, chosen_language, passkey_answer, passkey_name, typed_email
from app.auth.models import Passkey
from app.auth.operations import (
    end_all_sessions,
    end_session,
    passkey_enrolled,
    password_sign_in,
    record_refused_passkey_sign_in,
    set_language,
    start_session,
)
from app.auth.passkeys import (
    PasskeyError,
    active_passkeys,
    authenticate_passkey,
    authentication_options,
    register_passkey,
    registration_options,
    relying_party,
    rename_passkey,
    revoke_passkey,
)
from app.auth.policy import passkey_required_for, works_on_shared_devices
from app.auth.queries import active_sessions, open_passkey
from app.auth.sessions import require_passkey_enrolment, safe_next_url
from app.auth.signals import account_page_sections
from app.core.form_flow import back_to, save_form
from app.core.i18n import N_, browser_language
from app.core.json_errors import json_error, json_field_errors
from app.extensions import db, limiter

bp.before_app_request(require_passkey_enrolment)


def landing_page(user) -> str:
    """DSPs land on the report form (capture in under a minute); everyone else on "My work"."""
    return url_for("reports.new_report") if user.is_dsp_only else url_for("work.index")


def _address_and_account() -> str:
    return f"{get_remote_address()}|{typed_email(request.form)}"


def _sign_in(user, *, method: str, shared_device: bool, must_enrol_passkey: bool = False) -> None:
    """A new server-side session (a new identifier: the old cookie session is dropped first, and a
    session this browser still held is ended on the server)."""
    if current_user.is_authenticated:
        end_session(current_user.session_token, actor=current_user)
    session.clear()
    start_session(
        user,
        user_agent=request.headers.get("User-Agent"),
        method=method,
        shared_device=shared_device or works_on_shared_devices(user),
        must_enrol_passkey=must_enrol_passkey,
        browser_language=browser_language(),
    )
    login_user(user)


def _signed_out(message: str):
    """Forget the signed-in user in this browser and go to the sign-in page. The outbox stays, so
    unsent reports are never lost; the worker's kept pages go by the sign-out guard in the page.

    No ``Clear-Site-Data: "cache"``: signed-in pages are never in the HTTP cache (core.caching,
    no-store), and Chromium holds the redirect for seconds while it clears (crbug.com/41343050)."""
    logout_user()
    session.clear()
    flash(message)
    return redirect(url_for("auth.login"))


def _signed_in_with_password(user, *, shared_device: bool):
    """Open the session and go on: where ``next`` asked, or the user's landing page; a role that signs
    in with a passkey, and has none yet, first enrols one (the session may do nothing else)."""
    must_enrol = passkey_required_for(user)
    _sign_in(user, method="password", shared_device=shared_device, must_enrol_passkey=must_enrol)
    db.session.commit()
    if must_enrol:
        flash(_("Your role signs in with a passkey. Add one now to continue."))
        return redirect(url_for("auth.account"))
    return redirect(safe_next_url(request.args.get("next")) or landing_page(user))


# The words a person sees on a 429 from a sign-in route (Retry-After carries the wait).
SIGN_IN_LIMITED = N_("Too many sign-in attempts from here. Wait a minute, then try again.")

# One message for both refusals, so it never confirms that a passkey-only account's password was right.
SIGN_IN_REFUSED = N_(
    "That e-mail and password do not match an active account, or the account signs in with a "
    "passkey only: use “Sign in with a passkey”."
)
PASSKEY_ANSWER_MISSING = N_("Send the passkey's answer as JSON.")


def _sign_in_limited() -> str:
    return _(SIGN_IN_LIMITED)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"], error_message=_sign_in_limited)
@limiter.limit(
    "8 per minute", methods=["POST"], key_func=_address_and_account, error_message=_sign_in_limited
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("system.home"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form, error=None), 400 if form.errors else 200
    user = password_sign_in(form.email.data, form.password.data)
    if user is None:
        db.session.commit()
        return render_template("auth/login.html", form=form, error=_(SIGN_IN_REFUSED)), 401
    return _signed_in_with_password(user, shared_device=form.shared_device.data)


@bp.post("/login/passkey/options")
@limiter.limit("30 per minute", error_message=_sign_in_limited)
def passkey_sign_in_options():
    options = authentication_options(relying_party(current_app.config))
    db.session.commit()
    return current_app.response_class(options, mimetype="application/json")


@bp.post("/login/passkey")
@limiter.limit("30 per minute", error_message=_sign_in_limited)
def passkey_sign_in():
    answer = passkey_answer(request.get_json(silent=True))
    if answer is None:
        return json_error(400, "bad_request", _(PASSKEY_ANSWER_MISSING))
    try:
        user, _passkey = authenticate_passkey(answer.credential, rp=relying_party(current_app.config))
    except PasskeyError as exc:
        # Commit, not roll back: the challenge stays spent and the refusal stays on record.
        record_refused_passkey_sign_in()
        db.session.commit()
        return json_error(401, "passkey_refused", str(exc))
    _sign_in(user, method="passkey", shared_device=answer.shared_device)
    db.session.commit()
    return jsonify(redirect=safe_next_url(answer.next_url) or landing_page(user))


@bp.post("/logout")
@login_required
def logout():
    end_session(current_user.session_token, actor=current_user)
    db.session.commit()
    return _signed_out(_("You are signed out."))


@bp.get("/account")
@login_required
def account():
    return render_template(
        "auth/account.html",
        sessions=active_sessions(current_user),
        passkeys=active_passkeys(current_user),
        passkey_required=passkey_required_for(current_user),
        sections=[html for _, html in account_page_sections.send(current_user) if html],
    )


@bp.post("/account/language")
@login_required
def choose_language():
    """The person's language, from the account page (a form: back to the page) or from the report
    form's one-tap switch (a fetch asking for JSON: 204)."""
    return save_form(
        lambda: set_language(current_user, chosen_language(request.form), actor=current_user),
        saved=lambda _user: _language_saved(),
        refusal=lambda exc: _language_refused(str(exc)),
    )


def _language_saved():
    if request.accept_mimetypes.best == "application/json":
        return "", 204
    flash(_("Your language is saved."))
    return redirect(url_for("auth.account"))


def _language_refused(message: str):
    if request.accept_mimetypes.best == "application/json":
        return json_field_errors(422, {"language": [message]}, message)
    flash(message)
    return redirect(url_for("auth.account"))


@bp.post("/account/passkeys/options")
@login_required
def passkey_registration_options():
    options = registration_options(current_user, relying_party(current_app.config))
    db.session.commit()
    return current_app.response_class(options, mimetype="application/json")


@bp.post("/account/passkeys", endpoint="register_passkey")
@login_required
def register_passkey_view():
    answer = passkey_answer(request.get_json(silent=True))
    if answer is None:
        return json_error(400, "bad_request", _(PASSKEY_ANSWER_MISSING))
    try:
        passkey = register_passkey(
            current_user, answer.credential, name=answer.name, rp=relying_party(current_app.config)
        )
    except PasskeyError as exc:
        db.session.commit()  # the challenge stays spent
        return json_error(422, "passkey_refused", str(exc))
    passkey_enrolled(current_user)
    db.session.commit()
    flash(_("Passkey “%(name)s” added. Next time, sign in with it.", name=passkey.name))
    return jsonify(id=passkey.id, name=passkey.name, redirect=url_for("auth.account")), 201


def _own_passkey(passkey_id: int) -> Passkey:
    passkey = open_passkey(passkey_id, owner=current_user)
    if passkey is None:
        abort(404)
    return passkey


@bp.post("/account/passkeys/<int:passkey_id>/rename")
@login_required
def rename_own_passkey(passkey_id: int):
    passkey = _own_passkey(passkey_id)
    return save_form(
        lambda: rename_passkey(passkey, passkey_name(request.form), actor=current_user),
        saved=back_to("auth.account"),
        message=_("Passkey renamed."),
        refused=(PasskeyError,),
        refusal=lambda exc: _back_to_account(str(exc)),
    )


def _back_to_account(message: str):
    flash(message)
    return redirect(url_for("auth.account"))


@bp.post("/account/passkeys/<int:passkey_id>/revoke")
@login_required
def revoke_own_passkey(passkey_id: int):
    revoke_passkey(_own_passkey(passkey_id), actor=current_user)
    db.session.commit()
    flash(_("Passkey removed. It can no longer sign you in."))
    return redirect(url_for("auth.account"))


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session of this user at once - on a lost phone as much as on this device."""
    end_all_sessions(current_user, actor=current_user)
    db.session.commit()
    return _signed_out(_("You are signed out on every device."))
