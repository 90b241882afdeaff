"""Every route with an id in its path answers a too-big id with 404 (or 405), never a server error.

PostgreSQL's INTEGER is 32-bit, so no row has an id above 2**31 - 1; SQLite fails on a parameter of
2**63 or more. The URL map's ``int`` converter refuses such ids before any view runs. The cases are
read from the app's own URL map, so a new route is covered without being listed here.
"""

import re

import pytest
from werkzeug.exceptions import NotFound

from app import create_app
from app.config import TestConfig
from app.core.ids import MAX_DB_ID
from app.core.roles import Role
from tests.factories import api_token, login

INT_ARGUMENT = re.compile(r"<int(?:\([^)]*\))?:(\w+)>")
OTHER_ARGUMENT = re.compile(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>")
TOO_BIG_IDS = (2**31, 2**63, 2**64)


def _cases() -> list[tuple[str, frozenset[str], list[str]]]:
    """(rule, its GET/POST methods, url templates) for every rule with an int argument: one template
    per int argument, in which that argument is ``{id}``, other ints are 1 and other arguments a word."""
    rules = sorted(create_app(TestConfig).url_map.iter_rules(), key=lambda rule: rule.rule)
    cases = []
    for rule in rules:
        int_names = INT_ARGUMENT.findall(rule.rule)
        if not int_names:
            continue
        templates = []
        for name in int_names:
            template = INT_ARGUMENT.sub(lambda m, n=name: "{id}" if m.group(1) == n else "1", rule.rule)
            templates.append(OTHER_ARGUMENT.sub("dsp", template))
        cases.append((rule.rule, frozenset(rule.methods & {"GET", "POST"}), templates))
    return cases


CASES = _cases()


def test_the_cases_cover_the_routes_the_issue_named():
    rules = {rule for rule, _, _ in CASES}
    assert {"/reports/<int:report_id>", "/api/v1/reports/<int:report_id>", "/alerts/<int:alert_id>"} <= rules
    assert len(rules) >= 40


def test_a_too_big_id_is_not_found_on_any_route(app, make):
    """One signed-in admin tries every case (a fresh database and sign-in per route would cost minutes);
    the failure names every route and id that answered anything but 404 or 405."""
    make.user("admin@x.test", roles=[Role.ADMIN], regions=["North"])
    admin = app.test_client()
    login(admin, "admin@x.test")
    token = api_token(admin)
    answers = []
    for _rule, methods, templates in CASES:
        for template in templates:
            for too_big in TOO_BIG_IDS:
                url = template.format(id=too_big)
                if "GET" in methods:
                    answers.append(("GET", url, admin.get(url).status_code))
                if "POST" in methods:
                    answer = admin.post(url, data={"csrf_token": token}, headers={"X-CSRFToken": token})
                    answers.append(("POST", url, answer.status_code))
    assert len(answers) >= 3 * len(CASES)
    wrong = [f"{method} {url}: {status}" for method, url, status in answers if status not in (404, 405)]
    assert not wrong, wrong


def test_the_largest_id_a_database_can_hold_reaches_the_view_and_one_more_does_not(app):
    urls = app.url_map.bind("localhost")
    assert urls.match(f"/reports/{MAX_DB_ID}") == ("reports.report_detail", {"report_id": MAX_DB_ID})
    with pytest.raises(NotFound):
        urls.match(f"/reports/{MAX_DB_ID + 1}")
