"""The default near-miss categories (seeded by ``ensure_default_categories`` and the demo), their
words marked for the catalogue: a reader sees a default name, description or cue examples in their own
language, and a name an administrator typed as it was typed (:func:`shown`)."""

from app.core.i18n import N_, shown_seeded

DEFAULT_CATEGORIES = [
    {
        "code": "medication",
        "name": N_("Medication"),
        "description": N_("A discrepancy or unsafe condition caught before a dose was given."),
        "examples": N_(
            "Wrong dose on the label caught at the MAR check; a discontinued tablet still in "
            "the bubble pack; two people's medicines stored together."
        ),
    },
    {
        "code": "skin_integrity",
        "name": N_("Skin integrity / early deterioration"),
        "description": N_("Early signs of deterioration that nobody had recorded or handed over."),
        "examples": N_(
            "Redness on a heel not in the handover; a person more drowsy than usual; "
            "fluid intake chart not kept."
        ),
    },
    {
        "code": "falls_mobility",
        "name": N_("Falls and mobility"),
        "description": N_("A fall that nearly happened or a transfer that nearly went wrong."),
        "examples": N_(
            "Hoyer lift sling the wrong size; a rug curled on the stairs; walker out of reach; "
            "wet floor; wheelchair brakes not on."
        ),
    },
    {
        "code": "equipment_environment",
        "name": N_("Equipment and environment"),
        "description": N_("Unsafe equipment, home hazards or security lapses."),
        "examples": N_("Sharps cabinet left unlocked; bed rail loose; smoke alarm without a battery."),
    },
    {
        "code": "scheduling_rota",
        "name": N_("Scheduling and staffing"),
        "description": N_("Visits that nearly went wrong because of the schedule."),
        "examples": N_(
            "Wrong address on the schedule; a two-person visit booked for one worker; a shift "
            "left uncovered; a visit dropped after a change and caught by a phone call."
        ),
    },
    {
        "code": "transport",
        "name": N_("Transport"),
        "description": N_("Transport plans missed or unsafe, caught in time."),
        "examples": N_(
            "Transport to dialysis not booked, noticed the day before; wheelchair "
            "clamps missing in the vehicle."
        ),
    },
    {
        "code": "handover_documentation",
        "name": N_("Handover and documentation"),
        "description": N_("Information that did not pass between shifts or into the record."),
        "examples": N_("Care plan change not in the visit notes; allergy missing on the summary sheet."),
    },
    {
        "code": "appointment_follow_up",
        "name": N_("Appointment follow-up"),
        "description": N_(
            "Clinic letters, doctor's orders, referrals or results nobody acted on, caught in time."
        ),
        "examples": N_(
            "Blood test results not followed up; a letter from the clinic changing a dose sitting unread."
        ),
    },
    {
        "code": "safeguarding_rights",
        "name": N_("Safeguarding and rights"),
        "description": N_("Boundary issues, exploitation attempts, restrictive practice, neglect signals."),
        "examples": N_(
            "A visitor asking for the person's bank card; a door locked without a plan; "
            "food withheld as a 'consequence'."
        ),
        "is_safeguarding": True,
    },
    {
        "code": "infection_control",
        "name": N_("Infection control"),
        "description": N_("Breaks in infection prevention that nearly caused harm."),
        "examples": N_("No gloves or aprons left at the home; a catheter bag on the floor."),
    },
    {
        "code": "other",
        "name": N_("Other"),
        "description": N_(
            "Anything that could have caused harm, a rights restriction or a serious service "
            "failure if something had not stopped it."
        ),
        "examples": N_(""),
    },
]


SEEDED_TEXT = frozenset(
    spec[key] for spec in DEFAULT_CATEGORIES for key in ("name", "description", "examples") if spec[key]
)


def shown(text: str) -> str:
    """A category's stored name, description or examples as the reader sees it: a seeded default in
    the reader's language, anything else as stored."""
    return shown_seeded(text, SEEDED_TEXT)
