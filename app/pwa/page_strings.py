"""The page scripts' words (static/js) in the person's language.

The scripts mark what people read with ``t('...')``, ``tn('one', 'other', n)`` or, for words another
script records (the outbox's reasons, kept on the phone in English), ``N_('...')``; static/js/i18n.js
looks each English text up in the table every page carries (``base.html``, ``#page-strings``).

``extract`` is the Babel extractor babel.cfg names for static/js, so these words are in the same
gettext catalogue as the rest of the app; ``page_strings`` reads the same marks at run time to build
the table for the request's language.
"""

from functools import cache
from pathlib import Path

from babel.messages.extract import extract_javascript
from flask_babel import get_translations, gettext

from app.core.i18n import DEFAULT_LANGUAGE, current_language

SCRIPTS_DIR = Path(__file__).resolve().parents[2] / "static" / "js"
KEYWORDS = {"t": None, "N_": None, "tn": (1, 2)}
# Marks inside `${...}` of template literals count too.
OPTIONS = {"parse_template_string": True}


def extract(fileobj, keywords, comment_tags, options):
    """Babel extractor for the page scripts: their own marks, whatever keywords the command gives
    (named as gettext's own, which every extraction knows)."""
    for line, keyword, message, comments in extract_javascript(
        fileobj, KEYWORDS, comment_tags, {**options, **OPTIONS}
    ):
        yield line, "ngettext" if keyword == "tn" else "gettext", message, comments


@cache
def script_messages() -> tuple[tuple[str, str | None], ...]:
    """Every ``(text, plural or None)`` the page scripts mark, in file order, each once."""
    found: dict[tuple[str, str | None], None] = {}
    for path in sorted(SCRIPTS_DIR.glob("*.js")):
        with path.open("rb") as source:
            for _line, keyword, message, _comments in extract_javascript(source, KEYWORDS, [], OPTIONS):
                parts = message if isinstance(message, tuple) else (message, None)
                # t('text', {values}) reads as two strings when a value is a literal: the first is the text.
                key = (parts[0], parts[1]) if keyword == "tn" else (parts[0], None)
                if key[0]:
                    found[key] = None
    return tuple(found)


def page_strings() -> dict[str, str]:
    """English text -> the request language's, for every script word (empty in English: the scripts
    fall back to the English they hold). A plural's two English forms map to its two forms here."""
    if current_language() == DEFAULT_LANGUAGE:
        return {}
    table = {}
    translations = get_translations()  # raw plural forms: the script puts the number in itself
    for text, plural in script_messages():
        if plural is None:
            table[text] = gettext(text)
        else:
            table[text] = translations.ngettext(text, plural, 1)
            table[plural] = translations.ngettext(text, plural, 2)
    return table
