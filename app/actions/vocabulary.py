"""The stored values of an action's strength, verdict and status, with the labels pages and packs show."""

STRENGTHS = {
    "strong": "Strong — removes the hazard or changes the system",
    "intermediate": "Intermediate — checklists, standardising, redundancy",
    "weak": "Weak — reminders, training, policy",
}
VERDICTS = {
    "effective": "Effective",
    "not_effective": "Not effective",
    "extend": "Extend the test",
}
STATUSES = {
    "open": "Being put in place",
    "done": "In place, being tested",
    "effective": "Verified effective",
    "not_effective": "Not effective",
}
