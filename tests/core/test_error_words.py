"""Error pages in the reader's language: Werkzeug's default words for each error are in the catalogue
(a 500 under load in Spanish read in English), and stay exactly Werkzeug's English."""

from werkzeug import exceptions

from app.core.errors import _DEFAULT_DESCRIPTIONS


def test_the_english_is_werkzeugs_own_for_each_code():
    for code, words in _DEFAULT_DESCRIPTIONS.items():
        assert str(words._args[0]) == exceptions.default_exceptions[code].description, code


def test_every_error_a_page_can_show_has_its_words():
    assert {400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500, 503} <= set(_DEFAULT_DESCRIPTIONS)


def test_an_unexpected_failure_reads_in_spanish(app):
    """What the 500 handler writes (tests propagate exceptions, so the handler is called as Flask would)."""
    failure = exceptions.InternalServerError(original_exception=RuntimeError("boom"))
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        handler = app._find_error_handler(failure, [])
        page, code = handler(failure)[:2]
    assert code == 500
    assert "The server encountered" not in page and "boom" not in page
    assert "El servidor" in page
