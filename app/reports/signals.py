"""Signals other features subscribe to, so reports never import the features built on them."""

from blinker import Namespace

_signals = Namespace()

report_submitted = _signals.signal("report-submitted")
"""Sent with the new ``Report`` (once, never on a replay) after it is flushed."""

report_page_sections = _signals.signal("report-page-sections")
"""Sent with the ``Report`` and ``viewer=`` when its page is drawn; receivers return HTML (or None)
for their own section - triage, clocks, safeguarding - so the report page needs no import of them."""
