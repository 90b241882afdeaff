"""Template filters and globals: times are stored in UTC and shown in the organisation's time zone; the
role sets the routes check are the ones the menus read (``current_user.has_role(*TRIAGE_ROLES)``), so a
menu never offers a page its role cannot open, nor hides one it can."""

from zoneinfo import ZoneInfo

from app.core.dates import short_date
from app.core.durations import format_duration
from app.core.i18n import decimal, local_datetime, number, signed_decimal
from app.core.jurisdiction import jurisdiction
from app.core.pdf import chart_image
from app.core.pseudonyms import pseudonym
from app.core.roles import (
    ADMIN_ROLES,
    COMPETENCY_ASSESSOR_ROLES,
    COVERAGE_ROLES,
    DASHBOARD_ROLES,
    PACK_ROLES,
    PERSON_VIEW_ROLES,
    REVIEW_ROLES,
    SAFEGUARDING_NEED_TO_KNOW,
    TRIAGE_ROLES,
    Role,
)

ROLE_SETS = {
    "TRIAGE_ROLES": TRIAGE_ROLES,
    "REVIEW_ROLES": REVIEW_ROLES,
    "DASHBOARD_ROLES": DASHBOARD_ROLES,
    "PACK_ROLES": PACK_ROLES,
    "SAFEGUARDING_ROLES": SAFEGUARDING_NEED_TO_KNOW,
    "ADMIN_ROLES": ADMIN_ROLES,
    "PERSON_VIEW_ROLES": PERSON_VIEW_ROLES,
    "COMPETENCY_ASSESSOR_ROLES": COMPETENCY_ASSESSOR_ROLES,
    "COVERAGE_ROLES": COVERAGE_ROLES,
}


def register(app) -> None:
    tz = ZoneInfo(app.config["ORG_TIMEZONE"])

    @app.template_filter("local")
    def local_time(value, fmt="%d %b %Y, %H:%M"):
        if value is None:
            return ""
        return local_datetime(value.astimezone(tz), fmt)

    @app.template_filter("day")
    def day(value, fmt="%d %b %Y"):
        """A calendar day (a ``date``) written in the page's language."""
        return "" if value is None else local_datetime(value, fmt)

    app.add_template_filter(format_duration, "duration")
    app.add_template_filter(short_date, "short_date")
    app.add_template_filter(pseudonym, "pseudonym")
    app.add_template_filter(chart_image, "chart_image")
    app.add_template_global(emergency_number, "emergency_number")
    app.add_template_global(decimal, "decimal")
    app.add_template_global(signed_decimal, "signed_decimal")
    app.add_template_global(number, "number")

    @app.context_processor
    def _globals():
        return {"org_name": app.config["ORG_NAME"], "Role": Role, **ROLE_SETS}


def emergency_number() -> str:
    """The number to call in danger where the organisation works (911, 999, 112: core.jurisdiction)."""
    return jurisdiction().emergency_number
