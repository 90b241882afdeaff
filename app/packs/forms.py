"""Reading a pack's period and region from the query arguments (or the background render's form)."""

from datetime import date, timedelta

from flask import abort
from flask_babel import gettext as _

from app.core.dates import monday
from app.core.forms import form_date, form_int
from app.dashboard.queries import MAX_WEEKS, Scope
from app.packs.incident_export import FORMATS, ExportScope
from app.packs.queries import region_by_id

EXPORT_MAX_DAYS = 548


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


def export_scope(values, today: date, permitted, safeguarding_permitted=None) -> tuple[ExportScope, str]:
    """The oversight export's period (whole days, ``from``/``to``), region and format from a form or
    query; refuses unreadable dates, a period that ends before it starts or lasts over a year and a
    half, a format other than csv or json, and a region outside ``permitted`` (None: all)."""
    first_day = form_date(values.get("from")) or today - timedelta(days=90)
    last_day = form_date(values.get("to")) or today
    if values.get("from") and form_date(values.get("from")) is None:
        abort(400, _("Give from= as YYYY-MM-DD."))
    if values.get("to") and form_date(values.get("to")) is None:
        abort(400, _("Give to= as YYYY-MM-DD."))
    if first_day > last_day:
        abort(400, _("The period ends before it starts."))
    if (last_day - first_day).days > EXPORT_MAX_DAYS:
        abort(400, _("An export covers at most %(days)s days.", days=EXPORT_MAX_DAYS))
    fmt = str(values.get("format") or "csv").strip().lower()
    if fmt not in FORMATS:
        abort(400, _("Give format= as csv or json."))
    region_id = form_int(values.get("region"))
    if values.get("region") and region_id is None:
        abort(400, _("Give region= as a region id."))
    if region_id is None:
        everywhere = _("All regions") if permitted is None else _("Your regions")
        return ExportScope(first_day, last_day, permitted, everywhere, safeguarding_permitted), fmt
    region = region_by_id(region_id)
    if region is None or (permitted is not None and region_id not in permitted):
        abort(404, _("No such region."))
    return ExportScope(first_day, last_day, frozenset({region_id}), region.name, safeguarding_permitted), fmt
