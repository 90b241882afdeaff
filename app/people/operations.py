"""What changes about a person reference: each opening of the person view is recorded, and an
administrator corrects a mistyped reference or merges two that name the same person."""

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.core.audit.operations import record_event
from app.core.clusters import normal_person
from app.core.pseudonyms import pseudonym
from app.core.validation import InvalidInput, Problems
from app.dashboard.models import Cluster
from app.extensions import db
from app.reports.models import Report

REF_MAX = 40
"""As long as the report form's field."""


def record_person_view(viewer, person: str, report_ids: list[int]) -> None:
    """Opening a person's history is an audited read: who, when, which pseudonym, which reports."""
    record_event(
        "person.view",
        actor=viewer,
        object_type="person",
        object_id=person,
        after={"report_ids": report_ids},
    )


def correct_person_ref(admin, old: str, new: str, *, known: list[str]) -> int:
    """Every report and person cluster with reference ``old`` takes ``new``: a
    correction, or a merge when ``new`` is already in use. Audited by pseudonym, never the reference.
    Returns how many reports changed."""
    new = " ".join(new.split())
    problems = Problems()
    problems.need("old", old in known, _("Choose a reference that is in use."))
    problems.need(
        "new",
        0 < len(new) <= REF_MAX,
        _("Type the corrected reference (up to %(limit)s characters).", limit=REF_MAX),
    )
    problems.need("new", new != old, _("The new reference is the same."))
    if problems:
        raise InvalidInput(problems)
    merged = any(normal_person(ref) == normal_person(new) for ref in known if ref != old)
    report_ids = list(
        db.session.scalars(select(Report.id).where(Report.person_ref == old).order_by(Report.id))
    )
    db.session.execute(
        update(Report)
        .where(Report.id.in_(report_ids))
        .values(person_ref=new)
        .execution_options(synchronize_session=False)
    )
    remaining = {normal_person(ref) for ref in known if ref != old}
    if normal_person(old) not in remaining:
        # Person clusters are keyed by the reference as the detector compares it (case and spaces
        # ignored): they follow the person only when no other spelling still names the old one.
        db.session.execute(
            update(Cluster)
            .where(Cluster.person_ref == normal_person(old))
            .values(person_ref=normal_person(new))
            .execution_options(synchronize_session=False)
        )
    record_event(
        "person.merge" if merged else "person.correct",
        actor=admin,
        object_type="person",
        object_id=pseudonym(new),
        before={"pseudonym": pseudonym(old)},
        after={
            "pseudonym": pseudonym(new),
            "reports": len(report_ids),
            "report_ids": report_ids,
            "merged": merged,
        },
    )
    return len(report_ids)
