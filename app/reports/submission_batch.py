"""Several reports in one request (``POST /api/v1/reports/batch``, SPEC §5): an outbox back online
sends its queue in batches instead of one request per report.

Each item goes through exactly the single submission's path (:func:`submit_and_answer`: the same
validation, replay and conflict rules, the same answers and status codes) and is committed or rolled
back on its own, before the next item starts: one transaction per item, so a refused item never
holds back the others and every stored report has its own audit event. Items are answered in the
order sent; an item repeating an earlier one of the same batch is a replay (200) or a conflict (409),
as it would be in two requests.

A database failure on one item (the server going away mid-batch) answers the whole request with the
app's 503 (or 500): the items before it are committed, and the client's resend of the whole batch
finds them as replays (200), so nothing is stored twice.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app.core.form_flow import INVALID_STATUS
from app.core.json_body import json_body
from app.extensions import db
from app.reports.submission_flow import SubmissionAnswers, submit_and_answer

MAX_BATCH_REPORTS = 25
"""The most reports one batch may carry; a larger batch is refused whole with 413."""

TOO_LARGE_STATUS = 413


@dataclass(frozen=True)
class BatchRefused:
    """Why a body is not a batch at all: answered for the whole request, nothing is submitted."""

    status: int
    message: str
    errors: dict[str, list[str]]


def read_batch(raw: Any) -> tuple[list | None, BatchRefused | None]:
    """The batch's items, or why the body is not ``{"reports": [...]}`` with 1 to
    ``MAX_BATCH_REPORTS`` items. Each item is checked later, as a report on its own."""
    if not isinstance(raw, dict):
        errors = {"_body": [_('Send a JSON object: {"reports": [report, ...]}.')]}
        return None, BatchRefused(INVALID_STATUS, _("Not a batch of reports."), errors)
    items = raw.get("reports")
    if not isinstance(items, list) or not items:
        errors = {"reports": [_("Send the reports as a list of one report or more.")]}
        return None, BatchRefused(INVALID_STATUS, _("Not a batch of reports."), errors)
    if len(items) > MAX_BATCH_REPORTS:
        message = _("Send at most %(count)s reports in one batch.", count=MAX_BATCH_REPORTS)
        return None, BatchRefused(TOO_LARGE_STATUS, message, {"reports": [message]})
    return items, None


def submit_batch(items: list, answers: SubmissionAnswers) -> list[dict]:
    """Submit each item for the signed-in person, in order, each in its own transaction; one result
    per item: ``{"status": ..., **the single endpoint's body}``. ``answers`` must answer every
    outcome with a plain body (``app.api.routes.JsonAnswers`` does)."""
    results = []
    with _kept_loaded_across_commits():
        for item in items:
            body, status = submit_and_answer(item, answers)
            results.append({"status": status, **body})
    return results


@contextmanager
def _kept_loaded_across_commits():
    """The signed-in person is read once per request, for a batch as for a single report: without
    this each report's commit would expire them, and the next report would read the person and their
    regions again (two more queries a report). Nothing else read before a commit is used after it but
    the reports this batch stored, whose state it wrote itself."""
    session = db.session()
    expiring = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = expiring


def batch_cost() -> int:
    """What a request counts against the person's submission allowance: each report of a batch
    counts as that report sent alone would; a body that is no batch counts once."""
    raw, problem = json_body()
    items, refused = read_batch(raw) if problem is None else (None, True)
    return 1 if refused else len(items)
