"""Signals other features subscribe to, so reports never import the features built on them."""

from blinker import Namespace

_signals = Namespace()

report_submitted = _signals.signal("report-submitted")
"""Sent with the new ``Report`` (once, never on a replay) after it is flushed."""
