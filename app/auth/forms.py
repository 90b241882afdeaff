"""Reading the sign-in and account forms, and the JSON a browser sends after a passkey ceremony."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from app.core.forms import form_text


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Enter your e-mail.")), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=1024)]
    )
    shared_device = BooleanField(_l("This is a shared device"))


def typed_email(form) -> str:
    """The e-mail address a sign-in form carries, as the account is looked up (for rate limits)."""
    return form_text(form, "email").lower()


def chosen_language(form) -> str:
    """The language code a person chose ("" for their browser's)."""
    return form_text(form, "language").lower()


def passkey_name(form) -> str:
    """The name a person gives one of their passkeys."""
    return form_text(form, "name")


@dataclass(frozen=True)
class PasskeyAnswer:
    """What the page sends after ``navigator.credentials``: the authenticator's answer, and the
    choices around it (a name for a new passkey; for a sign-in, a shared device and where to go)."""

    credential: dict
    name: str | None
    shared_device: bool
    next_url: str | None


def passkey_answer(body) -> PasskeyAnswer | None:
    """The passkey answer in a JSON body, or None when the body does not carry one."""
    if not isinstance(body, dict) or not isinstance(body.get("credential"), dict):
        return None
    return PasskeyAnswer(
        credential=body["credential"],
        name=body.get("name"),
        shared_device=bool(body.get("shared_device")),
        next_url=body.get("next"),
    )
