"""Spanish beside English (issue 19): the catalogue is complete and current, every piece of template
text people read goes through it, and pages come out in the language asked for.

The template walk: Jinja's lexer splits each template into data and everything else; non-data tokens
and the contents of ``{% trans %}`` blocks are dropped, and what is left is plain HTML, read
with ``html.parser``. A text node or a readable attribute (placeholder, title, alt, aria-label, the
value of a button) with letters in it is text that never meets the catalogue.
"""

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from jinja2 import Environment

from tests.factories import csrf_from_page, login

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
PO_FILE = ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"
MO_FILE = ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.mo"

PLACEHOLDER = ""
READ_ATTRIBUTES = {"placeholder", "title", "alt", "aria-label"}
LETTERS = re.compile(r"[A-Za-z]")
# Codes and abbreviations stay as they are in both languages (the glossary): "NM-", "PDF", "QR".
CODES_ONLY = re.compile(r"^[^A-Za-z]*(?:\b[A-Z]{1,5}\b[^A-Za-z]*)*$")


# A macro that writes attributes for its caller's tag: markup, not text.
ATTRIBUTES_ONLY = re.compile(r'^\s*(?:[\w-]+="[^"]*"\s*)+$')


def _readable(text: str) -> bool:
    return bool(LETTERS.search(text)) and not CODES_ONLY.match(text) and not ATTRIBUTES_ONLY.match(text)


def _catalogue():
    with PO_FILE.open("rb") as f:
        return read_po(f)


def _messages(catalogue):
    return [message for message in catalogue if message.id]


def test_every_catalogue_message_has_a_spanish_translation_not_fuzzy():
    missing = []
    for message in _messages(_catalogue()):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert missing == []


def test_the_catalogue_holds_exactly_the_messages_in_the_source(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as f:
        source = {
            message.id if isinstance(message.id, str) else message.id[0]
            for message in read_po(f)
            if message.id
        }
    catalogue = {
        message.id if isinstance(message.id, str) else message.id[0] for message in _messages(_catalogue())
    }
    assert sorted(source - catalogue) == [], "run pybabel extract and update"
    assert sorted(catalogue - source) == [], "messages no longer in the source: run pybabel update"


def _pairs(catalogue):
    def key(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {(message.context, key(message.id)): key(message.string) for message in catalogue if message.id}


def test_the_committed_mo_is_the_compiled_po():
    with MO_FILE.open("rb") as f:
        compiled = _pairs(read_mo(f))
    assert compiled == _pairs(_catalogue()), "run pybabel compile -d translations"


def _html_of(source: str) -> str:
    """The template's HTML without its Jinja tokens and the contents of its trans blocks."""
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.parse(source)  # a template that does not parse fails here, not on a page
    pieces = []
    in_trans = False
    block = []
    for _line, kind, value in env.lex(source):
        if kind == "block_begin":
            block = [value]
            continue
        if block:
            block.append(value)
            if kind != "block_end":
                continue
            words = [v for v in block if v.strip()][1:2]
            name = words[0].strip() if words else ""
            if name == "trans":
                in_trans = True
            elif name == "endtrans":
                in_trans = False
            pieces.append(PLACEHOLDER)
            block = []
            continue
        if kind == "data" and not in_trans:
            pieces.append(value)
        else:
            pieces.append(PLACEHOLDER)
    return "".join(pieces)


class _TextFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skipping += 1
        values = dict(attrs)
        readable = set(READ_ATTRIBUTES)
        kind = (values.get("type") or "").lower()
        # A <button>'s value is sent, never shown; an input button shows its value.
        if tag == "input" and kind in ("submit", "button", "reset"):
            readable.add("value")
        for name, value in attrs:
            if name in readable and value and _readable(value):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._skipping -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and _readable(data):
            self.found.append(data.strip())


def untranslated_text(path: Path) -> list[str]:
    finder = _TextFinder()
    finder.feed(_html_of(path.read_text()))
    finder.close()
    return finder.found


def test_no_template_text_outside_the_catalogue():
    found = {
        str(path.relative_to(TEMPLATES)): text
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (text := untranslated_text(path))
    }
    assert found == {}


def test_the_walk_finds_text_attributes_and_ignores_jinja_and_trans_blocks(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<p>{{ _("Kept") }}</p><p>Loose words</p><input placeholder="Type here">'
        '<button value="go">{% trans n=1 %}Send {{ n }}{% endtrans %}</button>'
        '<input type="submit" value="Go on">'
        "<script>let x = 'Script text';</script><img alt=\"{{ _('Alt') }}\">"
        '<a title="Plain title">{{ x }}</a>'
    )
    assert untranslated_text(page) == [
        "Loose words",
        "<input placeholder='Type here'>",
        "<input value='Go on'>",
        "<a title='Plain title'>",
    ]


@pytest.fixture
def dsp(make, client):
    make.user("dsp@example.org")
    login(client, "dsp@example.org")
    return client


def test_pages_come_out_in_spanish_for_accept_language_es(dsp):
    page = dsp.get("/reports/new", headers={"Accept-Language": "es-US,es;q=0.9,en;q=0.5"})
    html = page.get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "Cerrar sesión" in html
    assert "Accept-Language" in page.headers.get("Vary", "")


def test_pages_come_out_in_spanish_for_lang_es(dsp):
    html = dsp.get("/reports/new?lang=es").get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "Cerrar sesión" in html


def test_pages_are_english_by_default(dsp):
    html = dsp.get("/reports/new").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Sign out" in html
    assert "Cerrar sesión" not in html


def test_the_sign_in_page_follows_the_browser(client):
    html = client.get("/login", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "Iniciar sesión" in html


def _language_of(app, email):
    from app.auth.models import User
    from app.extensions import db

    with app.app_context():
        return db.session.query(User).filter_by(email=email).one().language


def test_a_person_saves_their_language_on_the_account_page_and_it_is_audited(app, dsp):
    from app.core.audit.queries import events_for

    token = csrf_from_page(dsp, "/account")
    answer = dsp.post("/account/language", data={"csrf_token": token, "language": "es"})
    assert answer.status_code == 302
    assert _language_of(app, "dsp@example.org") == "es"
    page = dsp.get("/account").get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "Su idioma quedó guardado." in page
    assert "Su cuenta" in dsp.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    with app.app_context():
        user_id = dsp.get("/account").get_data(as_text=True).split('data-user-id="')[1].split('"')[0]
        assert [
            (e.action, json.loads(e.after))
            for e in events_for("user", int(user_id))
            if e.action == "user.language"
        ] == [("user.language", {"language": "es"})]
    token = csrf_from_page(dsp, "/account")
    dsp.post("/account/language", data={"csrf_token": token, "language": ""})
    assert _language_of(app, "dsp@example.org") is None


def test_the_report_forms_switch_saves_the_choice_when_asked_for_json(app, dsp):
    html = dsp.get("/report").get_data(as_text=True)
    assert 'href="/report?lang=es"' in html and 'data-set-language="es"' in html
    token = csrf_from_page(dsp, "/report")
    answer = dsp.post(
        "/account/language",
        data={"csrf_token": token, "language": "es"},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 204
    assert '<html lang="es">' in dsp.get("/report").get_data(as_text=True)
    refused = dsp.post(
        "/account/language",
        data={"csrf_token": token, "language": "fr"},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["language"] == ["Elija uno de los idiomas de la lista."]
    assert _language_of(app, "dsp@example.org") == "es"


def test_the_language_switch_needs_the_csrf_token(dsp):
    assert dsp.post("/account/language", data={"language": "es"}).status_code == 400


def test_api_errors_follow_the_requests_language(client):
    english = client.get("/api/v1/taxonomy")
    spanish = client.get("/api/v1/taxonomy", headers={"Accept-Language": "es"})
    assert english.get_json()["message"] == "Sign in to continue."
    assert spanish.get_json()["message"] == "Inicie sesión para continuar."


def test_dates_are_written_in_the_pages_language(app):
    from datetime import UTC, datetime

    moment = datetime(2026, 11, 30, 17, 5, tzinfo=UTC)
    render = app.jinja_env.from_string("{{ moment|local }} / {{ moment|local('%d %b %Y') }}")
    with app.test_request_context("/?lang=es"):
        spanish = render.render(moment=moment)
    with app.test_request_context("/"):
        english = render.render(moment=moment)
    assert english == "30 Nov 2026, 12:05 / 30 Nov 2026"
    assert spanish == "30 nov 2026, 12:05 / 30 nov 2026"


def test_notifications_and_their_e_mails_are_written_in_each_recipients_language(app, make, monkeypatch):
    from flask_babel import lazy_gettext

    from app.auth.models import User
    from app.extensions import db
    from app.notifications import operations

    make.user("es@example.org")
    make.user("en@example.org")
    sent = []
    monkeypatch.setattr(
        operations,
        "send_email",
        lambda config, *, to, subject, body: sent.append((to, subject, body)) or True,
    )
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        db.session.query(User).filter_by(email="es@example.org").one().language = "es"
        users = db.session.query(User).order_by(User.email).all()
        title = lazy_gettext("Something changed because you reported (%(numbers)s)", numbers="NM-7")
        created = operations.notify(users, kind="feedback", title=title, link="/feedback/1")
        db.session.commit()
        titles = {n.user_id: n.title for n in created}
        ids = [n.id for n in created]
        by_email = {u.email: u.id for u in users}
    assert titles[by_email["es@example.org"]] == "Algo cambió gracias a su reporte (NM-7)"
    assert titles[by_email["en@example.org"]] == "Something changed because you reported (NM-7)"
    with app.app_context():
        for notification_id in ids:
            operations.deliver_email(notification_id)
    mails = {to: (subject, body) for to, subject, body in sent}
    assert mails["es@example.org"][0] == "[Casi incidentes] Algo cambió gracias a su reporte (NM-7)"
    assert "Ábralo aquí:" in mails["es@example.org"][1]
    assert mails["en@example.org"][0] == "[Near misses] Something changed because you reported (NM-7)"
    assert "Open it here:" in mails["en@example.org"][1]


def test_pages_carry_the_scripts_words_in_their_language(dsp):
    def table(headers=None):
        html = dsp.get("/report", headers=headers or {}).get_data(as_text=True)
        return json.loads(
            html.split('<script type="application/json" id="page-strings">')[1].split("</script>")[0]
        )

    assert table() == {}
    spanish = table({"Accept-Language": "es"})
    assert (
        spanish["Saved on this phone — waiting to send."] == "Guardado en este teléfono — en espera de envío."
    )
    assert spanish["%(num)s need attention"] == "%(num)s necesitan atención"
    assert spanish["No connection"] == "Sin conexión"


def test_the_worker_keeps_the_form_and_the_offline_page_in_each_language(client):
    source = client.get("/sw.js").get_data(as_text=True)
    config = json.loads(source.split("const CONFIG = ")[1].split(";\n")[0])
    assert {"/report", "/report?lang=en", "/report?lang=es"} <= set(config["pages"])
    assert config["offlineByLanguage"] == {"en": "/offline?lang=en", "es": "/offline?lang=es"}
    assert "Sin conexión" in client.get("/offline?lang=es").get_data(as_text=True)
    assert "No signal right now" in client.get("/offline?lang=en").get_data(as_text=True)
