"""The default critical-incident categories, shaped like the CMS HCBS critical incident list, their
words marked for the catalogue: a reader sees a default name or description in their own language, and
what an administrator typed as it was typed (:func:`shown`).

Migration 0031 seeds the same rows (written out there, as revisions never import the app)."""

from app.core.i18n import N_, shown_seeded

DEFAULT_INCIDENT_CATEGORIES = [
    ("abuse", N_("Abuse"), N_("Verbal, physical, sexual, psychological or emotional abuse.")),
    ("neglect", N_("Neglect"), N_("Failure to provide the care, supervision or services the person needs.")),
    ("exploitation", N_("Exploitation"), N_("Exploitation, financial exploitation included.")),
    ("serious_injury", N_("Serious injury"), N_("An injury needing medical treatment beyond first aid.")),
    (
        "medication_error",
        N_("Medication error"),
        N_("A medication error leading to poison control, emergency or urgent care, hospital or death."),
    ),
    ("unexpected_death", N_("Unexplained or unexpected death"), N_("A death that was not anticipated.")),
    (
        "missing_person",
        N_("Missing person / elopement"),
        N_("The person could not be found or left unsupervised."),
    ),
    (
        "restrictive_intervention",
        N_("Restraint or seclusion misuse"),
        N_("Misuse or unauthorised use of restraint, seclusion or another restrictive intervention."),
    ),
    (
        "law_enforcement",
        N_("Law enforcement involvement"),
        N_("Police were called to or involved with the person."),
    ),
    (
        "unplanned_hospitalisation",
        N_("Emergency or unplanned hospitalisation"),
        N_("An emergency department visit or hospital admission that was not planned."),
    ),
]
"""(code, name, description), in the order they are listed."""

SEEDED_TEXT = frozenset(
    text for _code, name, description in DEFAULT_INCIDENT_CATEGORIES for text in (name, description)
)


def shown(text: str) -> str:
    """A critical-incident category's stored name or description as the reader sees it: a seeded
    default in the reader's language, anything else as stored."""
    return shown_seeded(text, SEEDED_TEXT)
