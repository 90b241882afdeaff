"""The default critical-incident categories, shaped like the CMS HCBS critical incident list.

Migration 0031 seeds the same rows (written out there, as revisions never import the app)."""

from sqlalchemy import select

from app.extensions import db
from app.incidents.models import IncidentCategory

DEFAULT_INCIDENT_CATEGORIES = [
    ("abuse", "Abuse", "Verbal, physical, sexual, psychological or emotional abuse."),
    ("neglect", "Neglect", "Failure to provide the care, supervision or services the person needs."),
    ("exploitation", "Exploitation", "Exploitation, financial exploitation included."),
    ("serious_injury", "Serious injury", "An injury needing medical treatment beyond first aid."),
    (
        "medication_error",
        "Medication error",
        "A medication error leading to poison control, emergency or urgent care, hospital or death.",
    ),
    ("unexpected_death", "Unexplained or unexpected death", "A death that was not anticipated."),
    ("missing_person", "Missing person / elopement", "The person could not be found or left unsupervised."),
    (
        "restrictive_intervention",
        "Restraint or seclusion misuse",
        "Misuse or unauthorised use of restraint, seclusion or another restrictive intervention.",
    ),
    ("law_enforcement", "Law enforcement involvement", "Police were called to or involved with the person."),
    (
        "unplanned_hospitalisation",
        "Emergency or unplanned hospitalisation",
        "An emergency department visit or hospital admission that was not planned.",
    ),
]
"""(code, name, description), in the order they are listed."""


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
