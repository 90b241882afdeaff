"""Safeguarding and rights triggers, decisions, and the default external bodies per jurisdiction."""

from flask_babel import gettext as _

SAFEGUARDING_TRIGGERS = {
    "boundary_issue": "Boundary issue (staff, family or visitor)",
    "financial_exploitation": "Attempted financial exploitation",
    "restrictive_practice": "Restraint, seclusion or a restriction without a plan",
    "neglect": "Neglect signal",
    "abuse": "Possible abuse (verbal, physical, sexual, psychological, emotional)",
    "rights_restriction": "Rights restriction",
    "other": "Other safeguarding concern",
}

SAFEGUARDING_DECISIONS = {
    "raise_concern": "Raise a formal safeguarding concern",
    "refer_external": "Refer to an external body",
    "monitor": "No formal concern: monitor and review",
    "no_further_action": "No further action",
}

# The bodies a jurisdiction's providers usually report to, added (by code, never overwriting one an
# administrator edited) when the organisation chooses its jurisdiction. An administrator adjusts names,
# due times and which are active on Admin -> External reporting bodies.
_US_BODIES = [
    {
        "code": "state_incident_system",
        "name": ("{state} critical incident system", "State critical incident system"),
        "due_amount": 24,
        "due_in_business_days": False,
        "for_incidents": True,
    },
    {
        "code": "adult_protective_services",
        "name": "Adult protective services",
        "due_amount": 24,
        "due_in_business_days": False,
    },
    {
        "code": "licensing",
        "name": ("{state} licensing agency", "Licensing agency"),
        "due_amount": 2,
        "due_in_business_days": True,
    },
    {
        "code": "emergency_911",
        "name": "911 (police, fire, EMS)",
        "due_amount": 0.25,
        "due_in_business_days": False,
    },
]
_UK_BODIES = [
    {
        "code": "local_authority_safeguarding",
        "name": "Local authority safeguarding (Care Act s42 enquiry)",
        "due_amount": 24,
        "due_in_business_days": False,
    },
    {
        "code": "cqc",
        "name": "CQC notification (Registration Regulation 18)",
        "due_amount": 24,
        "due_in_business_days": False,
        "for_incidents": True,
    },
    {
        "code": "riddor",
        "name": "RIDDOR dangerous occurrence (HSE)",
        "due_amount": 10,
        "due_in_business_days": True,
    },
    {
        "code": "emergency_999",
        "name": "999 (police, fire, ambulance)",
        "due_amount": 0.25,
        "due_in_business_days": False,
    },
]
_OTHER_BODIES = [
    {
        "code": "incident_authority",
        "name": "Incident reporting authority",
        "due_amount": 24,
        "due_in_business_days": False,
        "for_incidents": True,
    },
    {
        "code": "adult_safeguarding_authority",
        "name": "Adult safeguarding authority",
        "due_amount": 24,
        "due_in_business_days": False,
    },
    {
        "code": "regulator",
        "name": "Licensing or regulatory body",
        "due_amount": 2,
        "due_in_business_days": True,
    },
    {
        "code": "emergency_services",
        "name": "Emergency services",
        "due_amount": 0.25,
        "due_in_business_days": False,
    },
]
_BODIES = {"us": _US_BODIES, "uk": _UK_BODIES, "other": _OTHER_BODIES}


def default_external_bodies(jurisdiction) -> list[dict]:
    """The default external bodies of a jurisdiction (``app.core.jurisdiction.Jurisdiction``): US
    bodies carry the state's name when one is chosen ("New York licensing agency")."""
    return [
        {"for_incidents": False, **spec, "name": _body_name(spec["name"], jurisdiction)}
        for spec in _BODIES[jurisdiction.kind]
    ]


def _body_name(name, jurisdiction) -> str:
    if isinstance(name, str):
        return name
    with_state, without = name
    return with_state.format(state=jurisdiction.state_name) if jurisdiction.state_name else without


def persons_views_label(jurisdiction) -> str:
    """The safeguarding decision's "the person's views" question, in the jurisdiction's words: the
    Care Act's "making safeguarding personal" is English law, so only the UK's label names it."""
    if jurisdiction.kind == "uk":
        return _("The person's views and wishes (Care Act s42: make safeguarding personal)")
    return _("The person's views and wishes: what they want to happen")
