"""The stored values of an action's strength, verdict and status, with the labels pages and packs show."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

STRENGTHS = {
    "strong": _l("Strong — removes the hazard or changes the system"),
    "intermediate": _l("Intermediate — checklists, standardising, redundancy"),
    "weak": _l("Weak — reminders, training, policy"),
}
VERDICTS = {
    "effective": _l("Effective"),
    "not_effective": _l("Not effective"),
    "extend": _l("Extend the test"),
}
VERDICT_WORDS = {"effective": _l("effective"), "not_effective": _l("not effective"), "extend": _l("extend")}
STATUSES = {
    "open": _l("Being put in place"),
    "done": _l("In place, being tested"),
    "effective": _l("Verified effective"),
    "not_effective": _l("Not effective"),
}


def _unshown(verdict: str, ci_high: float | None, process_shown: bool | None) -> bool:
    return verdict == "effective" and (ci_high is None or ci_high >= 1 or process_shown is False)


def verdict_words(verdict: str, ci_high: float | None, process_shown: bool | None = None) -> str:
    """A recorded verdict as pages and packs show it beside its interval: "effective" while the 95%
    interval includes 1 (or there is none), or while the action's process measure did not show the
    improvement (``process_shown`` False; None: no process measure), is a judgment the data do not
    show, and reads so."""
    unshown = _unshown(verdict, ci_high, process_shown)
    return (
        _("effective: not shown by the data")
        if unshown
        else str(VERDICT_WORDS.get(verdict, verdict.replace("_", " ")))
    )


def status_words(status: str, ci_high: float | None, process_shown: bool | None = None) -> str:
    """An action's status with the same care: verified effective on an interval that includes 1 (or a
    process measure that did not show it) reads _("Effective: not shown by the data"), not as a success."""
    unshown = _unshown(status, ci_high, process_shown)
    return _("Effective: not shown by the data") if unshown else str(STATUSES[status])
