"""One path for a submitted report, whichever way it comes: the capture form or the JSON API.

Both check the fields with the same validator, store through :func:`submit_report` (which answers a
replay from the stored row before anything else), commit through
:func:`app.core.form_flow.save_form`, and count against the same ``submission_limit``. What differs is
only how each answers an outcome: a page with the form again, or a JSON body. Each channel passes a
:class:`SubmissionAnswers` saying that; the status codes are set here, once for both.
"""

from typing import Any, Protocol

from flask import current_app
from flask_login import current_user

from app.core.concurrency import CONFLICT_STATUS
from app.core.form_flow import INVALID_STATUS, save_form
from app.extensions import db
from app.reports.operations import (
    ClientUUIDConflict,
    RegionForbidden,
    SubmissionSettings,
    submit_report,
)
from app.reports.validation import parse_payload

FORBIDDEN_STATUS = 403


class SubmissionAnswers(Protocol):
    """How one channel answers each outcome of a submission (the body; the status is set for it)."""

    def stored(self, submission) -> Any:
        """The report was stored now, or this was a replay of one stored before (``submission.created``)."""

    def invalid(self, errors: dict[str, list[str]]) -> Any:
        """Fields need attention (422)."""

    def forbidden(self) -> Any:
        """The region named is not one of the reporter's (403)."""

    def conflict(self) -> Any:
        """The ``client_uuid`` was already used for other content (409)."""


def submit_and_answer(raw, answers: SubmissionAnswers):
    """Validate ``raw`` (the API's payload shape), store it for the signed-in person and commit;
    answer each outcome through ``answers``. Anything refused is rolled back."""
    payload, errors = parse_payload(raw)
    if errors:
        return answers.invalid(errors), INVALID_STATUS
    settings = SubmissionSettings.from_config(current_app.config)
    try:
        return save_form(
            lambda: submit_report(current_user, payload, settings),
            saved=answers.stored,
            invalid=answers.invalid,
            guard_conflicts=False,
        )
    except RegionForbidden:
        db.session.rollback()
        return answers.forbidden(), FORBIDDEN_STATUS
    except ClientUUIDConflict:
        db.session.rollback()
        return answers.conflict(), CONFLICT_STATUS
