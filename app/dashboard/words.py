"""Flask-Babel's gettext for the dashboard's pure functions (charts, signals, gap notes), which also
run with no application at all (unit tests, benches): there they answer in English, the source."""

from datetime import date

from flask import has_app_context
from flask_babel import format_date as babel_format_date
from flask_babel import gettext
from flask_babel import ngettext as babel_ngettext


def _(string: str, **variables) -> str:
    if has_app_context():
        return gettext(string, **variables)
    return string % variables if variables else string


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    if has_app_context():
        return babel_ngettext(singular, plural, num, **variables)
    return (singular if num == 1 else plural) % {"num": num, **variables}


def format_date(day: date, pattern: str) -> str:
    return babel_format_date(day, pattern) if has_app_context() else day.strftime("%d %b %Y")
