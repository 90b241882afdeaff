"""Reading the dashboard's query arguments and forms into what its queries and operations take."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from app.core.dates import monday
from app.core.forms import date_argument, form_ids, form_int
from app.dashboard.exposure_csv import ExposureSubmission, single_week_csv
from app.dashboard.queries import MAX_WEEKS, Scope
from app.taxonomy.vocabulary import InterfaceType

DEFAULT_WEEKS = 26
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def dashboard_scope(args, permitted: frozenset[int] | None, today: date) -> tuple[Scope, dict]:
    """The weeks and filters asked for (a region only among ``permitted``), and the choices to show
    back in the filter form."""
    # Default: the last complete week, so a half-finished week never looks like a fall in reporting.
    last = monday(date_argument(args, "to") or today - timedelta(weeks=1))
    first = monday(date_argument(args, "from") or last - timedelta(weeks=DEFAULT_WEEKS - 1))
    if first > last:
        first, last = last, first
    first = max(first, last - timedelta(weeks=MAX_WEEKS - 1))
    region = form_int(args.get("region"))
    if region is not None and (permitted is None or region in permitted):
        regions = frozenset({region})
    else:
        region, regions = None, permitted
    interface = args.get("interface") or None
    if interface not in {t.value for t in InterfaceType}:
        interface = None
    scope = Scope(
        first, last, regions, form_int(args.get("program")), form_int(args.get("category")), interface
    )
    chosen = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "region": region,
        "program": scope.program_id,
        "category": scope.category_id,
        "interface": interface,
    }
    return scope, chosen


@dataclass(frozen=True)
class ClusterAnswer:
    """What the quality lead did with a cluster: ``action`` is acknowledge, dismiss, link or review."""

    action: str
    reason: str
    linked_action_id: int | None


def cluster_answer(form) -> ClusterAnswer:
    """The answer to a cluster; the action to link is read from "A-12", "12" or nothing."""
    action_ids = form_ids([form.get("action_id", "")])
    return ClusterAnswer(
        form.get("action", ""), form.get("reason", ""), action_ids[0] if action_ids else None
    )


def exposure_submission(form, files) -> ExposureSubmission:
    """Exposure figures from the import page: an uploaded CSV file (at most ``MAX_UPLOAD_BYTES``;
    a larger or empty one is refused), else one week typed in (``single=1``), else pasted CSV."""
    upload = files.get("file")
    if upload is not None and upload.filename:
        raw = upload.read(MAX_UPLOAD_BYTES + 1)
        text = raw.decode("utf-8-sig", errors="replace") if len(raw) <= MAX_UPLOAD_BYTES else ""
        return ExposureSubmission(text, errors=() if text else (_("The file is empty or larger than 5 MB."),))
    pasted = form.get("csv", "")
    if form.get("single") == "1":
        week = [form.get(name, "") for name in ("region_id", "week_start", "visits", "service_hours")]
        return ExposureSubmission(single_week_csv(*week), pasted)
    return ExposureSubmission(pasted, pasted)
