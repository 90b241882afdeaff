"""Languages: English and Spanish, through Flask-Babel (gettext catalogues in ``translations/``).

Which language a request is answered in, first that applies:

1. ``?lang=es`` on the address: a link that must give one language whoever follows it (the Spanish
   cue guide ``/guides/<role>.pdf?lang=es``, SPEC §5) and the form's one-tap switch;
2. the signed-in person's own choice (``users.language``), when they made one;
3. the browser's ``Accept-Language``;
4. the organisation's default language (``BABEL_DEFAULT_LOCALE``, English).

What is written to a person outside their own request (a notification, its e-mail and push, a
reminder a job sends) follows ``language_of``: their choice, else the language their browser last
asked for (``users.browser_language``, kept by app.auth when it changes), else the default.

English is the source language: the English text is the message id, so an untranslated message shows
in English rather than as a key. ``tests/core/test_translations.py`` fails on a message without a
Spanish translation and on template text outside the catalogue.
"""

import re
from collections.abc import Callable
from datetime import date, datetime

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import Babel, LazyString, force_locale, format_date, format_datetime, get_locale, gettext
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"

babel = Babel()


def N_(text: str) -> str:
    """Marks ``text`` for the catalogue and keeps it a plain English ``str`` (a constant other code may
    compare or search for); ``gettext(text)`` where it is shown gives the person's language."""
    return text


def requested_language() -> str | None:
    """The ``?lang=`` of this request, when it names a language the app speaks."""
    wanted = (request.args.get("lang") or "").strip().lower()
    return wanted if wanted in LANGUAGES else None


def default_language() -> str:
    """The organisation's language for anyone who neither chose one nor has a browser asking."""
    configured = current_app.config.get("BABEL_DEFAULT_LOCALE") if has_app_context() else None
    return configured if configured in LANGUAGES else DEFAULT_LANGUAGE


def browser_language() -> str | None:
    """The language this request's browser asks for (its ``Accept-Language`` against the languages
    the app speaks, the default when it names none of them); None outside a request or when the
    browser sends no ``Accept-Language`` (a script, a health check), which then says nothing."""
    if not has_request_context() or not request.headers.get("Accept-Language"):
        return None
    return request.accept_languages.best_match(LANGUAGES, default=default_language())


def select_language() -> str:
    if not has_request_context():
        # Jobs, the command line and domain code run in an app context only: messages in the default
        # language (what is written to a person goes through ``in_language_of``).
        return default_language()
    explicit = requested_language()
    if explicit:
        return explicit
    chosen = _signed_in_persons_choice()
    if chosen in LANGUAGES:
        return chosen
    g.language_from_browser = True
    return browser_language() or default_language()


def _signed_in_persons_choice() -> str | None:
    """The signed-in person's language. When the session check cannot read them (the database has
    gone), None: the 503 that says so is then written in the browser's language instead of failing
    a second time on the same read."""
    try:
        return getattr(current_user, "language", None) if current_user else None
    except SQLAlchemyError:
        db.session.rollback()
        return None


def language_of(user) -> str:
    """The language to write to ``user`` in when they are not the one asking (an in-app notification,
    its e-mail and push, a reminder): their own choice, else the language their browser last asked
    for (so a person who never chose one reads these in the language their pages are in), else the
    organisation's default."""
    for language in (getattr(user, "language", None), getattr(user, "browser_language", None)):
        if language in LANGUAGES:
            return language
    return default_language()


def in_language_of(user):
    """``with in_language_of(user):`` - gettext and the date formats answer in ``user``'s language."""
    return force_locale(language_of(user))


def current_language() -> str:
    """The two-letter language this request is answered in (``"en"`` outside a request)."""
    locale = get_locale()
    return locale.language if locale else DEFAULT_LANGUAGE


def number(value: float, spec: str = ".1f") -> str:
    """``value`` written with the format ``spec`` (".1f", "g", ".4g", "," to group thousands) in the
    reader's notation: English exactly as Python writes it; Spanish with its decimal comma and point
    between thousands ("12,5", "1.000"): written the English way, "6.048" reads as six thousand."""
    written = format(value, spec)
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return written
    symbols = {".": get_decimal_symbol(language), ",": get_group_symbol(language)}
    return written.translate(str.maketrans(symbols))


def decimal(digits: int, value: float) -> str:
    """For templates: ``decimal(1, x)`` where ``'%.1f'|format(x)`` was."""
    return number(value, f".{digits}f")


def signed_decimal(digits: int, value: float) -> str:
    """For templates: a difference with its sign, ``signed_decimal(1, x)`` where ``'%+.1f'|format(x)`` was."""
    return number(value, f"+.{digits}f")


# strftime's codes the templates use, as Unicode date patterns (Babel names months in the language).
_PATTERNS = {
    "%d": "dd",
    "%b": "MMM",
    "%B": "MMMM",
    "%Y": "y",
    "%y": "yy",
    "%H": "HH",
    "%M": "mm",
    "%S": "ss",
    "%a": "EEE",
    "%A": "EEEE",
    "%e": "d",
    "%p": "a",
    "%I": "hh",
}
_CODE = re.compile(r"%.")


def local_datetime(value: datetime | date, fmt: str) -> str:
    """``value`` (a day, or an aware time already in the organisation's zone) written with the strftime
    ``fmt``: as strftime in English (the text English pages always had), through Babel's patterns
    otherwise, so months and weekdays are named in the language. A zone's abbreviation (``%Z``) is a
    code and stays as it is."""
    codes = _CODE.findall(fmt)
    if current_language() == DEFAULT_LANGUAGE or any(
        code not in _PATTERNS and code != "%Z" for code in codes
    ):
        return value.strftime(fmt)

    pattern, text = [], ""  # text between the codes is quoted as one literal
    for piece in re.split(r"(%.)", fmt):
        if piece in _PATTERNS:
            if text:
                pattern.append("'" + text.replace("'", "''") + "'")
            pattern.append(_PATTERNS[piece])
            text = ""
        else:
            text += value.strftime("%Z") if piece == "%Z" else piece
    if text:
        pattern.append("'" + text.replace("'", "''") + "'")
    pattern = "".join(pattern)
    if isinstance(value, datetime):
        return format_datetime(value, pattern, rebase=False)
    return format_date(value, pattern)


def shown_seeded(text: str, seeded: frozenset[str]) -> str:
    """Data the app seeded (a default category's name, marked for the catalogue where it is defined)
    in the reader's language; anything else - what an administrator typed - as it is."""
    return gettext(text) if text and text in seeded else text


def lazy(build: Callable[[], str]) -> LazyString:
    """Text written when it is read, in the language in force then: a notification title holding a
    date (``notify`` reads it once per recipient, in each one's language)."""
    return LazyString(build)


def register(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["ORG_TIMEZONE"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path + "/../translations"))
    babel.init_app(app, locale_selector=select_language)
    # {% trans %} blocks are read with their whitespace collapsed, so a template's line breaks are not
    # part of the message.
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    @app.after_request
    def _vary_on_browser_language(response):
        # A page whose language came from Accept-Language differs by it (caches keep one per language).
        if g.get("language_from_browser"):
            response.vary.add("Accept-Language")
        return response

    @app.context_processor
    def _language():
        return {"current_language": current_language(), "LANGUAGES": LANGUAGES}
