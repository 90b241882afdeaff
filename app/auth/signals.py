"""Signals other features subscribe to, so auth never imports the features built on it."""

from blinker import Namespace

_signals = Namespace()

sessions_ended = _signals.signal("sessions-ended")
"""Sent with the ``User`` when sessions end on purpose - a sign-out, "sign out everywhere", an
administrator ending one, a deactivation - never when one merely expires. Keywords: ``session_ids``
(the sessions that ended) and ``everywhere`` (every session of the user ended at once). Receivers forget
what belonged to those devices (the push subscriptions of app.notifications)."""

account_page_sections = _signals.signal("account-page-sections")
"""Sent with the ``User`` when their account page is drawn; receivers return HTML (or None) for their
own section, so the account page needs no import of the features that add one."""
