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


def _unshown(verdict: str, ci_high: float | None) -> bool:
    return verdict == "effective" and (ci_high is None or ci_high >= 1)


def verdict_words(verdict: str, ci_high: float | None) -> str:
    """A recorded verdict as pages and packs show it beside its interval: "effective" while the 95%
    interval includes 1 (or there is none) is a judgment the data do not show, and reads so."""
    return "effective: not shown by the data" if _unshown(verdict, ci_high) else verdict.replace("_", " ")


def status_words(status: str, ci_high: float | None) -> str:
    """An action's status with the same care: verified effective on an interval that includes 1 reads
    "Effective: not shown by the data", not as a success."""
    return "Effective: not shown by the data" if _unshown(status, ci_high) else STATUSES[status]
