"""Reading a pack's period and region from the query arguments (or the background render's form)."""

from datetime import date, timedelta

from flask import abort
from flask_babel import gettext as _

from app.core.dates import monday
from app.core.forms import form_date, form_int
from app.dashboard.queries import MAX_WEEKS, Scope
from app.packs.queries import region_by_id


def pack_scope(values, today: date) -> tuple[Scope, str]:
    """The period (whole weeks) and region of a pack; refuses unreadable or impossible dates."""
    first_day = form_date(values.get("from")) or today - timedelta(days=365)
    last_day = form_date(values.get("to")) or today
    if values.get("from") and form_date(values.get("from")) is None:
        abort(400, _("Give from= as YYYY-MM-DD."))
    if values.get("to") and form_date(values.get("to")) is None:
        abort(400, _("Give to= as YYYY-MM-DD."))
    if first_day > last_day:
        abort(400, _("The period ends before it starts."))
    # Weeks that have not begun are never tabled (as zeros): the period stops at this week.
    first, last = monday(first_day), min(monday(last_day), monday(today))
    if first > last:
        abort(400, _("The period has not begun yet."))
    if (last - first).days // 7 + 1 > MAX_WEEKS:
        abort(400, f"A pack covers at most {MAX_WEEKS} weeks.")
    region_id = form_int(values.get("region"))
    if values.get("region") and region_id is None:
        abort(400, _("Give region= as a region id."))
    if region_id is None:
        return Scope(first, last, None), "All regions"
    region = region_by_id(region_id)
    if region is None:
        abort(404, _("No such region."))
    return Scope(first, last, frozenset({region_id})), region.name
