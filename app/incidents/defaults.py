"""Seeding the default critical-incident categories (listed in ``app.incidents.seeded``)."""

from sqlalchemy import select

from app.extensions import db
from app.incidents.models import IncidentCategory
from app.incidents.seeded import DEFAULT_INCIDENT_CATEGORIES


def ensure_default_incident_categories() -> list[IncidentCategory]:
    """Create any default category not yet present (by code); leave edited ones alone."""
    existing = set(db.session.scalars(select(IncidentCategory.code)))
    created = []
    for order, (code, name, description) in enumerate(DEFAULT_INCIDENT_CATEGORIES, start=1):
        if code in existing:
            continue
        category = IncidentCategory(
            code=code, name=name, description=description, sort_order=order * 10, active=True
        )
        db.session.add(category)
        created.append(category)
    db.session.flush()
    return created
