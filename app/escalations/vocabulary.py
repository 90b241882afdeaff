"""Safeguarding and rights triggers, decisions, and the default external bodies."""

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

DEFAULT_EXTERNAL_BODIES = [
    {
        "code": "state_incident_system",
        "name": "State critical incident system",
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
    {"code": "licensing", "name": "Licensing agency", "due_amount": 2, "due_in_business_days": True},
    {
        "code": "cqc",
        "name": "CQC notification (Registration Regulation 18)",
        "due_amount": 24,
        "due_in_business_days": False,
    },
    {
        "code": "riddor",
        "name": "RIDDOR dangerous occurrence (HSE)",
        "due_amount": 10,
        "due_in_business_days": True,
    },
]
