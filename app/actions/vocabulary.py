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


def _unshown(verdict: str, ci_high: float | None, process_shown: bool | None) -> bool:
    return verdict == "effective" and (ci_high is None or ci_high >= 1 or process_shown is False)


def verdict_words(verdict: str, ci_high: float | None, process_shown: bool | None = None) -> str:
    """A recorded verdict as pages and packs show it beside its interval: "effective" while the 95%
    interval includes 1 (or there is none), or while the action's process measure did not show the
    improvement (``process_shown`` False; None: no process measure), is a judgment the data do not
    show, and reads so."""
    unshown = _unshown(verdict, ci_high, process_shown)
    return "effective: not shown by the data" if unshown else verdict.replace("_", " ")


def status_words(status: str, ci_high: float | None, process_shown: bool | None = None) -> str:
    """An action's status with the same care: verified effective on an interval that includes 1 (or a
    process measure that did not show it) reads "Effective: not shown by the data", not as a success."""
    unshown = _unshown(status, ci_high, process_shown)
    return "Effective: not shown by the data" if unshown else STATUSES[status]
