"""The categories in the words of someone outside the service (a family member, a person supported):
the built-in categories by code; a category an administrator added shows its own name and example."""

from flask_babel import gettext as _

from app.core.i18n import N_

PLAIN_CATEGORIES = {
    "medication": (N_("Medicines"), N_("Wrong pill, dose or time, caught before it was taken")),
    "skin_integrity": (N_("Skin or health getting worse"), N_("A red or sore patch nobody had noticed")),
    "falls_mobility": (N_("Falls and moving around"), N_("Nearly fell, or the lifting equipment was wrong")),
    "equipment_environment": (N_("Equipment or the home"), N_("Something broken, loose or left unlocked")),
    "scheduling_rota": (N_("Visits and schedules"), N_("A visit missed, late or at the wrong address")),
    "transport": (N_("Rides and transport"), N_("A ride to an appointment not booked")),
    "handover_documentation": (N_("Passing on information"), N_("Staff were not told about a change")),
    "appointment_follow_up": (N_("Appointments and results"), N_("Test results or a follow-up not done")),
    "safeguarding_rights": (
        N_("Safety, money or rights"),
        N_("Someone asking for a bank card, or being held back"),
    ),
    "infection_control": (N_("Germs and hygiene"), N_("No gloves, or hands not washed")),
    "other": (N_("Something else"), ""),
}


def plain_category(category) -> tuple[str, str]:
    """A category's name and example in plain words."""
    if category.code in PLAIN_CATEGORIES:
        words, example = PLAIN_CATEGORIES[category.code]
        return _(words), _(example) if example else ""
    examples = category.shown_examples.split(";")[0].strip()
    return category.label, examples
