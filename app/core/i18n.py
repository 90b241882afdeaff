"""Languages: English and Spanish, through Flask-Babel (gettext catalogues in ``translations/``).

Which language a request is answered in, first that applies:

1. ``?lang=es`` on the address: a link that must give one language whoever follows it (the Spanish
   cue guide ``/guides/<role>.pdf?lang=es``, SPEC §5) and the form's one-tap switch;
2. the signed-in person's own choice (``users.language``), when they made one;
3. the browser's ``Accept-Language``;
4. English.

English is the source language: the English text is the message id, so an untranslated message shows
in English rather than as a key. ``tests/core/test_translations.py`` fails on a message without a
Spanish translation and on template text outside the catalogue.
"""

from flask import Flask, has_request_context, request
from flask_babel import Babel, get_locale
from flask_login import current_user

LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"

babel = Babel()


def requested_language() -> str | None:
    """The ``?lang=`` of this request, when it names a language the app speaks."""
    wanted = (request.args.get("lang") or "").strip().lower()
    return wanted if wanted in LANGUAGES else None


def select_language() -> str:
    if not has_request_context():
        # Jobs, the command line and domain code run in an app context only: messages in English.
        return DEFAULT_LANGUAGE
    explicit = requested_language()
    if explicit:
        return explicit
    chosen = getattr(current_user, "language", None) if current_user else None
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


def current_language() -> str:
    """The two-letter language this request is answered in (``"en"`` outside a request)."""
    locale = get_locale()
    return locale.language if locale else DEFAULT_LANGUAGE


def register(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["ORG_TIMEZONE"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path + "/../translations"))
    babel.init_app(app, locale_selector=select_language)

    @app.context_processor
    def _language():
        return {"current_language": current_language(), "LANGUAGES": LANGUAGES}
