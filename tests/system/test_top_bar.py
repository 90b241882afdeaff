"""The top bar's links as the server renders them: the page you are on is marked, no other."""

import re

import pytest

from app.core.roles import Role
from tests.factories import login


def _marked(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', html)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/admin/users", ["/admin/"]),
        ("/admin/", ["/admin/"]),
        ("/triage", ["/triage"]),
        ("/report", ["/report"]),
        ("/my-reports", ["/my-reports"]),
        ("/account", []),
    ],
)
def test_the_page_you_are_on_is_marked(client, make, path, expected):
    make.user("lead@x.test", roles=[Role.QUALITY_LEAD, Role.ADMIN])
    login(client, "lead@x.test")
    response = client.get(path)
    assert response.status_code == 200
    assert _marked(response.get_data(as_text=True)) == expected


def test_a_report_page_marks_neither_report_link(client, make):
    make.user("dsp@x.test")
    report_id = make.report("dsp@x.test")
    login(client, "dsp@x.test")
    html = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert _marked(html) == []
    assert "data-account-menu" in html and "data-signout" in html
