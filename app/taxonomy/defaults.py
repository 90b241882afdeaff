"""The default HCBS category taxonomy, with the cue examples staff recognise a category by."""

from sqlalchemy import select

from app.extensions import db
from app.taxonomy.models import Category

DEFAULT_CATEGORIES = [
    {
        "code": "medication",
        "name": "Medication",
        "description": "A discrepancy or unsafe condition caught before a dose was given.",
        "examples": "Wrong dose on the label caught at the MAR check; a discontinued tablet still in "
        "the bubble pack; two people's medicines stored together.",
    },
    {
        "code": "skin_integrity",
        "name": "Skin integrity / early deterioration",
        "description": "Early signs of deterioration that nobody had recorded or handed over.",
        "examples": "Redness on a heel not in the handover; a person more drowsy than usual; "
        "fluid intake chart not kept.",
    },
    {
        "code": "falls_mobility",
        "name": "Falls and mobility",
        "description": "A fall that nearly happened or a transfer that nearly went wrong.",
        "examples": "Hoyer lift sling the wrong size; a rug curled on the stairs; walker out of reach; "
        "wet floor; wheelchair brakes not on.",
    },
    {
        "code": "equipment_environment",
        "name": "Equipment and environment",
        "description": "Unsafe equipment, home hazards or security lapses.",
        "examples": "Sharps cabinet left unlocked; bed rail loose; smoke alarm without a battery.",
    },
    {
        "code": "scheduling_rota",
        "name": "Scheduling and staffing",
        "description": "Visits that nearly went wrong because of the schedule.",
        "examples": "Wrong address on the schedule; a two-person visit booked for one worker; a shift "
        "left uncovered; a visit dropped after a change and caught by a phone call.",
    },
    {
        "code": "transport",
        "name": "Transport",
        "description": "Transport plans missed or unsafe, caught in time.",
        "examples": "Transport to dialysis not booked, noticed the day before; wheelchair "
        "clamps missing in the vehicle.",
    },
    {
        "code": "handover_documentation",
        "name": "Handover and documentation",
        "description": "Information that did not pass between shifts or into the record.",
        "examples": "Care plan change not in the visit notes; allergy missing on the summary sheet.",
    },
    {
        "code": "appointment_follow_up",
        "name": "Appointment follow-up",
        "description": "Clinic letters, doctor's orders, referrals or results nobody acted on, caught "
        "in time.",
        "examples": "Blood test results not followed up; a letter from the clinic changing a dose "
        "sitting unread.",
    },
    {
        "code": "safeguarding_rights",
        "name": "Safeguarding and rights",
        "description": "Boundary issues, exploitation attempts, restrictive practice, neglect signals.",
        "examples": "A visitor asking for the person's bank card; a door locked without a plan; "
        "food withheld as a 'consequence'.",
        "is_safeguarding": True,
    },
    {
        "code": "infection_control",
        "name": "Infection control",
        "description": "Breaks in infection prevention that nearly caused harm.",
        "examples": "No gloves or aprons left at the home; a catheter bag on the floor.",
    },
    {
        "code": "other",
        "name": "Other",
        "description": "Anything that could have caused harm, a rights restriction or a serious service "
        "failure if something had not stopped it.",
        "examples": "",
    },
]


def ensure_default_categories() -> list[Category]:
    """Create any default category not yet present (by code); leave edited ones alone."""
    existing = set(db.session.scalars(select(Category.code)))
    created = []
    for order, spec in enumerate(DEFAULT_CATEGORIES):
        if spec["code"] in existing:
            continue
        category = Category(sort_order=(order + 1) * 10, **spec)
        db.session.add(category)
        created.append(category)
    db.session.flush()
    return created
