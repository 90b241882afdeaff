"""Messages made outside a request (jobs, the command line, domain code under an app context)."""

from datetime import date

from flask_babel import format_date, gettext

from app.core.i18n import current_language


def test_messages_outside_a_request_are_english(app):
    with app.app_context():
        assert current_language() == "en"
        assert gettext("Review saved.") == "Review saved."
        assert format_date(date(2026, 9, 5), "dd MMM yyyy") == "05 Sep 2026"
