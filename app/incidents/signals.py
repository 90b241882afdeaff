"""Signals other features subscribe to, so incidents never import the features built on them."""

from blinker import Namespace

_signals = Namespace()

report_became_incident = _signals.signal("report-became-incident")
"""Sent with the ``Report`` and ``actor=`` when a report is recorded as an incident after triage (it is
handed to the incident process): work its triage opened for a near miss is no longer owed."""
