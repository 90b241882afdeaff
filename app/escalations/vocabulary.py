"""Safeguarding and rights triggers, decisions, and the default external bodies per jurisdiction."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.i18n import N_
from app.core.jurisdiction import US_STATES

# Shown in the reader's language (lazy: each use reads the language of the request it is shown in).
SAFEGUARDING_TRIGGERS = {
    "boundary_issue": _l("Boundary issue (staff, family or visitor)"),
    "financial_exploitation": _l("Attempted financial exploitation"),
    "restrictive_practice": _l("Restraint, seclusion or a restriction without a plan"),
    "neglect": _l("Neglect signal"),
    "abuse": _l("Possible abuse (verbal, physical, sexual, psychological, emotional)"),
    "rights_restriction": _l("Rights restriction"),
    "other": _l("Other safeguarding concern"),
}

SAFEGUARDING_DECISIONS = {
    "raise_concern": _l("Raise a formal safeguarding concern"),
    "refer_external": _l("Refer to an external body"),
    "monitor": _l("No formal concern: monitor and review"),
    "no_further_action": _l("No further action"),
}

# The bodies a jurisdiction's providers usually report to, added (by code, never overwriting one an
# administrator edited) when the organisation chooses its jurisdiction. An administrator adjusts names,
# due times and which are active on Admin -> External reporting bodies. Names are stored in English
# (a US one with the state's English name) and shown in the reader's language while they are still
# the default (:func:`shown_body_name`); a US name is a pair: with the state, and without one.
_US_BODIES = [
    {
        "code": "state_incident_system",
        "name": (N_("%(state)s critical incident system"), N_("State critical incident system")),
        "due_amount": 24,
        "due_in_business_days": False,
        "for_incidents": True,
    },
    {
        "code": "adult_protective_services",
        "name": N_("Adult protective services"),
        "due_amount": 24,
        "due_in_business_days": False,
    },
    {
        "code": "licensing",
        "name": (N_("%(state)s licensing agency"), N_("Licensing agency")),
        "due_amount": 2,
        "due_in_business_days": True,
    },
    {
        "code": "emergency_911",
        "name": N_("911 (police, fire, EMS)"),
        "due_amount": 0.25,
        "due_in_business_days": False,
    },
]
_UK_BODIES = [
    {
        "code": "local_authority_safeguarding",
        "name": N_("Local authority safeguarding (Care Act s42 enquiry)"),
        "due_amount": 24,
        "due_in_business_days": False,
    },
    {
        "code": "cqc",
        "name": N_("CQC notification (Registration Regulation 18)"),
        "due_amount": 24,
        "due_in_business_days": False,
        "for_incidents": True,
    },
    {
        "code": "riddor",
        "name": N_("RIDDOR dangerous occurrence (HSE)"),
        "due_amount": 10,
        "due_in_business_days": True,
    },
    {
        "code": "emergency_999",
        "name": N_("999 (police, fire, ambulance)"),
        "due_amount": 0.25,
        "due_in_business_days": False,
    },
]
_OTHER_BODIES = [
    {
        "code": "incident_authority",
        "name": N_("Incident reporting authority"),
        "due_amount": 24,
        "due_in_business_days": False,
        "for_incidents": True,
    },
    {
        "code": "adult_safeguarding_authority",
        "name": N_("Adult safeguarding authority"),
        "due_amount": 24,
        "due_in_business_days": False,
    },
    {
        "code": "regulator",
        "name": N_("Licensing or regulatory body"),
        "due_amount": 2,
        "due_in_business_days": True,
    },
    {
        "code": "emergency_services",
        "name": N_("Emergency services"),
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
    return with_state % {"state": jurisdiction.state_name} if jurisdiction.state_name else without


def _seeded_body_names() -> dict[tuple[str, str], tuple[str, str]]:
    """(code, stored English name) -> (message id, the state's English name or "") for every name a
    default body may have been stored with: a US body's with any state (one seeded before the state
    was changed still reads as a default) and without one."""
    seeded = {}
    for specs in _BODIES.values():
        for spec in specs:
            code, name = spec["code"], spec["name"]
            if isinstance(name, str):
                seeded[(code, name)] = (name, "")
                continue
            with_state, without = name
            seeded[(code, without)] = (without, "")
            for state in US_STATES.values():
                seeded[(code, with_state % {"state": state})] = (with_state, state)
    return seeded


_SEEDED_BODY_NAMES = _seeded_body_names()


def shown_body_name(code: str, name: str) -> str:
    """An external body's stored name as the reader sees it: a default body's default name (matched by
    its code, so a body an administrator added is never taken for one) in the reader's language, the
    state named in it too; any other name - one an administrator typed or changed - as stored."""
    seeded = _SEEDED_BODY_NAMES.get((code, name))
    if seeded is None:
        return name
    message, state = seeded
    return _(message, state=_(state)) if state else _(message)


def persons_views_label(jurisdiction) -> str:
    """The safeguarding decision's "the person's views" question, in the jurisdiction's words: the
    Care Act's "making safeguarding personal" is English law, so only the UK's label names it."""
    if jurisdiction.kind == "uk":
        return _("The person's views and wishes (Care Act s42: make safeguarding personal)")
    return _("The person's views and wishes: what they want to happen")
