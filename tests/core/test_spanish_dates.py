"""Days and times written in the reader's language through Babel (issue 19, point 1): a calendar day,
a month spelled out, and a zone's abbreviation kept as the code it is."""

from datetime import UTC, date, datetime


def test_days_and_times_in_spanish_and_in_english(app):
    moment = datetime(2026, 11, 30, 17, 5, tzinfo=UTC)
    render = app.jinja_env.from_string(
        "{{ moment|local('%d %B %Y, %H:%M %Z') }} / {{ day|day }} / {{ day|day('%d %B %Y') }}"
    )
    with app.test_request_context("/?lang=es"):
        spanish = render.render(moment=moment, day=date(2026, 9, 7))
    with app.test_request_context("/"):
        english = render.render(moment=moment, day=date(2026, 9, 7))
    assert spanish == "30 noviembre 2026, 12:05 EST / 07 sept 2026 / 07 septiembre 2026"
    assert english == "30 November 2026, 12:05 EST / 07 Sep 2026 / 07 September 2026"
