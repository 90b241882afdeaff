"""``POST /api/v1/guide-reads``: a phone's confirmation that its user read a version of a cue guide,
sent by the outbox like a report (``app.guides.reads``). 201 with the stored confirmation, 200 with the
same body for a replay of its ``client_uuid``, 422 for a wrong field, 409 for a ``client_uuid`` already
used for another confirmation."""

from flask_babel import gettext as _

from app.core.concurrency import CONFLICT_STATUS
from app.core.form_flow import INVALID_STATUS
from app.core.json_errors import json_error, json_field_errors
from app.core.models import now_utc
from app.extensions import db
from app.guides.reads import GuideReadConflict, GuideReadInvalid, guide_read_as_json, record_guide_read


def confirm_and_answer(user, body):
    """Record ``user``'s confirmation from ``body`` and commit; the JSON answer and its status."""
    try:
        read, created = record_guide_read(user, body, now=now_utc())
    except GuideReadInvalid as refused:
        db.session.rollback()
        return json_field_errors(INVALID_STATUS, refused.errors, _("Some fields need attention."))
    except GuideReadConflict:
        db.session.rollback()
        errors = {"client_uuid": [_("Already used for a different confirmation.")]}
        message = _("This client_uuid was already used for a different confirmation. Make a new UUID.")
        return json_error(CONFLICT_STATUS, "conflict", message, errors=errors)
    db.session.commit()
    return guide_read_as_json(read), 201 if created else 200
