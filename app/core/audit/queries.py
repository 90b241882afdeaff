"""Reading the audit trail of one object, for its history panel."""

from sqlalchemy import select

from app.core.audit.models import AuditEvent
from app.extensions import db


def events_for(object_type: str, object_id) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id))
            .order_by(AuditEvent.seq)
        )
    )
