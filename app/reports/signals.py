"""Signals other features subscribe to, so reports never import the features built on them."""

from blinker import Namespace

_signals = Namespace()

report_submitted = _signals.signal("report-submitted")
"""Sent with the new ``Report`` (once, never on a replay) after it is flushed; ``stop_the_line=False``
asks receivers not to raise a stop-the-line alert for it (anonymous reports, one alert a minute per
link). Receivers accept keyword arguments."""

report_page_sections = _signals.signal("report-page-sections")
"""Sent with the ``Report`` and ``viewer=`` when its page is drawn; receivers return HTML (or None)
for their own section - triage, clocks, safeguarding - so the report page needs no import of them."""

reporter_page_sections = _signals.signal("reporter-page-sections")
"""Sent like ``report_page_sections`` when the page is drawn for a person whose only reason to see the
report is having filed it. Only features that connect here appear on that view, so a section is hidden
from a reporter unless its feature declares what a reporter may see."""

report_json_fields = _signals.signal("report-json-fields")
"""Sent with the ``Report`` and ``viewer=`` when its JSON is built for someone who sees it through their
role (never for a reporter's own view); receivers return a dict of extra fields, or None."""
