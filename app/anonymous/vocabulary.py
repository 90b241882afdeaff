"""The categories in the words of someone outside the service (a family member, a person supported):
the built-in categories by code; a category an administrator added shows its own name and example."""

from flask_babel import lazy_gettext as _l

PLAIN_CATEGORIES = {
    "medication": (_l("Medicines"), _l("Wrong pill, dose or time, caught before it was taken")),
    "skin_integrity": (_l("Skin or health getting worse"), _l("A red or sore patch nobody had noticed")),
    "falls_mobility": (_l("Falls and moving around"), _l("Nearly fell, or the lifting equipment was wrong")),
    "equipment_environment": (_l("Equipment or the home"), _l("Something broken, loose or left unlocked")),
    "scheduling_rota": (_l("Visits and schedules"), _l("A visit missed, late or at the wrong address")),
    "transport": (_l("Rides and transport"), _l("A ride to an appointment not booked")),
    "handover_documentation": (_l("Passing on information"), _l("Staff were not told about a change")),
    "appointment_follow_up": (_l("Appointments and results"), _l("Test results or a follow-up not done")),
    "safeguarding_rights": (
        _l("Safety, money or rights"),
        _l("Someone asking for a bank card, or being held back"),
    ),
    "infection_control": (_l("Germs and hygiene"), _l("No gloves, or hands not washed")),
    "other": (_l("Something else"), ""),
}


def plain_category(category) -> tuple[str, str]:
    """A category's name and example in plain words."""
    if category.code in PLAIN_CATEGORIES:
        words, example = PLAIN_CATEGORIES[category.code]
        return str(words), str(example)
    examples = (category.examples or "").split(";")[0].strip()
    return category.name, examples
