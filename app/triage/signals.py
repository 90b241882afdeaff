"""Signals other features subscribe to, so triage never imports the features built on it."""

from blinker import Namespace

_signals = Namespace()

report_triaged = _signals.signal("report-triaged")
"""Sent with the triaged ``Report`` and ``actor=`` after its triage is flushed. Work linked to a report
before triage (a review, an action) leaves it in the triage queue; receivers move it on to where
those links put it once triage has set it to "triaged"."""
