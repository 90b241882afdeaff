"""Reading the administration forms into the plain values their operations take.

Each reader takes the submitted values (``request.form`` or ``request.args``) and returns what the
operation needs; refusing bad values is the operation's job, so a reader turns what it cannot read
into ``None`` (or an id no row has) and lets the operation say why.
"""

from dataclasses import dataclass
from datetime import date

from flask import abort
from flask_babel import gettext as _

from app.admin.queries import UserFilters
from app.core.forms import checked, form_date, form_float, form_int, form_lines, form_text, yes_no
from app.core.roles import Role
from app.core.settings import SETTINGS
from app.emergency.policy import ALLOWED_ROLES_KEY
from app.triage.matrix import Recurrence, Severity

MAX_SEARCH_LENGTH = 100
UNKNOWN_ID = -1
"""An id no row has: what an unreadable id becomes, so the operation refuses it as unknown."""


# Users and sign-in rules -----------------------------------------------------------------------


def user_filters(args) -> UserFilters:
    """The user list's search and filters, from its query arguments."""
    return UserFilters(
        query=form_text(args, "q")[:MAX_SEARCH_LENGTH],
        role=args.get("role", ""),
        status=args.get("status", "active"),
    )


@dataclass(frozen=True)
class AccountFields:
    """What the new-user and edit-user forms send: name, e-mail, roles and region ids."""

    name: str
    email: str
    roles: list[Role]
    region_ids: list[int]


def account_fields(form) -> AccountFields:
    """A user's account form: name, e-mail, known roles and readable region ids only."""
    known = {role.value for role in Role}
    region_ids = (form_int(value) for value in form.getlist("regions"))
    return AccountFields(
        name=form_text(form, "name"),
        email=form_text(form, "email"),
        roles=[Role(value) for value in form.getlist("roles") if value in known],
        region_ids=[region_id for region_id in region_ids if region_id],
    )


def typed_password(form) -> str:
    """The password exactly as typed: spaces at either end are part of it."""
    return str(form.get("password") or "")


def role_policy_choices(form) -> tuple[set[str], set[str]]:
    """The roles ticked as passkey-only, and those ticked as working on shared devices."""
    return set(form.getlist("passkey_required")), set(form.getlist("shared_device"))


# Targets and settings --------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingsInput:
    """Each setting's number (None when what was typed is not one), and the roles ticked for
    emergency access (None when the form did not carry the field, which leaves them as they are)."""

    numbers: dict[str, float | None]
    emergency_roles: set[str] | None


def jurisdiction_choice(form) -> tuple[str, str]:
    """The jurisdiction form's kind and state, as typed; the operation says what it accepts."""
    return form_text(form, "kind"), form_text(form, "state")


def settings_input(form) -> SettingsInput:
    """The settings page, as typed; ``save_settings`` checks each value against its range."""
    emergency_roles = None
    if ALLOWED_ROLES_KEY in form:  # the page always sends it (a hidden empty value)
        emergency_roles = {value for value in form.getlist(ALLOWED_ROLES_KEY) if value}
    return SettingsInput(
        numbers={key: _number(form.get(key)) for key in SETTINGS},
        emergency_roles=emergency_roles,
    )


def _number(value) -> float | None:
    """Any number Python reads (infinities and NaN included: the bounds check refuses those with
    the setting's range, as it always has); None for anything else."""
    try:
        return float(str(value or "").strip())
    except ValueError:
        return None


def typed_settings(form) -> dict[str, str]:
    """The settings as typed, to show the form again after a refusal."""
    return {key: form.get(key, "") for key in SETTINGS}


# Triage matrix and external bodies -------------------------------------------------------------


def matrix_cells(form) -> dict[str, dict[str, str]]:
    """The chosen review level per severity and recurrence, as sent (the operation checks them)."""
    return {
        severity.value: {
            recurrence.value: form.get(f"{severity.value}.{recurrence.value}", "")
            for recurrence in Recurrence
        }
        for severity in Severity
    }


def matrix_note(form) -> str:
    """Why the triage matrix was changed (kept with the new version)."""
    return form_text(form, "note")


@dataclass(frozen=True)
class ExternalBodyFields:
    """One row of the external bodies page (``body_id`` set) or the "add a body" form (not set)."""

    body_id: int | None
    code: str
    name: str
    due_amount: float | None
    business_days: bool
    for_incidents: bool
    active: bool

    def for_body(self, body) -> dict:
        """The keyword arguments of ``save_external_body``; a body's code is set once, when added."""
        return {
            "body": body,
            "code": self.code if body is None else body.code,
            "name": self.name,
            "due_amount": self.due_amount,
            "business_days": self.business_days,
            "for_incidents": self.for_incidents,
            "active": self.active,
        }


def external_body_fields(form) -> ExternalBodyFields:
    """An external body's form (a new one when ``body_id`` is empty)."""
    return ExternalBodyFields(
        body_id=form_int(form.get("body_id")),
        code=form_text(form, "code"),
        name=form_text(form, "name"),
        due_amount=form_float(form.get("due_amount")),
        business_days=form.get("unit") == "business_days",
        for_incidents=checked(form, "for_incidents"),
        active=checked(form, "active"),
    )


# Regions, programs, categories -----------------------------------------------------------------


def taxonomy_name(form) -> str:
    """The name typed for a region, program or category."""
    return form_text(form, "name")


def wants_active(form) -> bool:
    """Whether a deactivate/reactivate form asks to activate; anything but yes or no is refused."""
    answer = yes_no(form, "active")
    if answer is None:
        abort(400, _("Say whether to activate or deactivate."))
    return answer


def program_region_id(form) -> int | None:
    """The program form's region: "" means every region; anything but a whole number is an
    unknown region."""
    raw = form_text(form, "region_id")
    if raw == "":
        return None
    region_id = form_int(raw)
    return region_id if region_id is not None else UNKNOWN_ID


def category_fields(form) -> dict:
    """The keyword arguments of ``save_category`` (the code only counts when a category is added)."""
    return {
        "name": form_text(form, "name"),
        "description": form_text(form, "description"),
        "examples": form_text(form, "examples"),
        "is_safeguarding": checked(form, "is_safeguarding"),
        "is_stop_the_line": checked(form, "is_stop_the_line"),
        "is_clinical": checked(form, "is_clinical"),
        "sort_order": form_int(form.get("sort_order")),
    }


def category_code(form) -> str:
    """The code typed for a new category (its stored key)."""
    return form_text(form, "code")


def category_values(category) -> dict[str, str]:
    """A category as its edit form shows it."""
    return {
        "name": category.name,
        "description": category.description,
        "examples": category.examples,
        "is_safeguarding": "on" if category.is_safeguarding else "",
        "is_stop_the_line": "on" if category.is_stop_the_line else "",
        "is_clinical": "on" if category.is_clinical else "",
        "sort_order": str(category.sort_order),
    }


# Business-day calendar -------------------------------------------------------------------------


@dataclass(frozen=True)
class AddedDayLine:
    """One line of the added days off, "YYYY-MM-DD why": ``day`` is None when it does not start
    with a date."""

    typed: str
    day: date | None
    reason: str


@dataclass(frozen=True)
class CalendarFields:
    """What the business-day calendar form sends: country, state and the added days off."""

    country: str
    subdivision: str
    added_days: list[AddedDayLine]


def calendar_fields(form) -> CalendarFields:
    lines = []
    for line in form_lines(form, "added_days"):
        first, _, reason = line.partition(" ")
        lines.append(AddedDayLine(line, form_date(first), reason.strip()))
    return CalendarFields(form_text(form, "country"), form_text(form, "subdivision"), lines)


def incident_category_fields(form) -> dict:
    """The keyword arguments of ``save_incident_category`` (the code counts only when adding)."""
    return {
        "name": form_text(form, "name"),
        "description": form_text(form, "description"),
        "sort_order": form_int(form.get("sort_order")),
    }


def incident_category_values(category) -> dict[str, str]:
    """A critical-incident category as its edit form shows it."""
    return {
        "name": category.name,
        "description": category.description,
        "sort_order": str(category.sort_order),
    }
