"""The categories in the words of someone outside the service (a family member, a person supported):
the built-in categories by code; a category an administrator added shows its own name and example."""

PLAIN_CATEGORIES = {
    "medication": ("Medicines", "Wrong pill, dose or time, caught before it was taken"),
    "skin_integrity": ("Skin or health getting worse", "A red or sore patch nobody had noticed"),
    "falls_mobility": ("Falls and moving around", "Nearly fell, or the lifting equipment was wrong"),
    "equipment_environment": ("Equipment or the home", "Something broken, loose or left unlocked"),
    "scheduling_rota": ("Visits and schedules", "A visit missed, late or at the wrong address"),
    "transport": ("Rides and transport", "A ride to an appointment not booked"),
    "handover_documentation": ("Passing on information", "Staff were not told about a change"),
    "appointment_follow_up": ("Appointments and results", "Test results or a follow-up not done"),
    "safeguarding_rights": ("Safety, money or rights", "Someone asking for a bank card, or being held back"),
    "infection_control": ("Germs and hygiene", "No gloves, or hands not washed"),
    "other": ("Something else", ""),
}


def plain_category(category) -> tuple[str, str]:
    """A category's name and example in plain words."""
    if category.code in PLAIN_CATEGORIES:
        return PLAIN_CATEGORIES[category.code]
    examples = (category.examples or "").split(";")[0].strip()
    return category.name, examples
