"""Characters that ``str.isdigit`` calls digits but ``int`` cannot read ("²", "①") are bad input like
any other: a clear answer, never a 500. Every place that reads a number from a form or a query goes
through ``core.forms.form_int``."""

import pytest
from werkzeug.datastructures import MultiDict

from app.core.concurrency import form_version
from app.core.forms import form_ids, form_int
from app.core.roles import Role
from app.dashboard.exposure_csv import parse_exposure_csv
from app.triage.forms import answers_from_form
from tests.factories import login

ODD = ["²", "①", "12²"]


@pytest.mark.parametrize("text", ODD)
def test_the_readers_refuse_them(text):
    assert form_int(text) is None
    assert form_version({"version": text}) == -1
    assert form_ids([f"NM-{text}"]) == [-1]
    assert answers_from_form(MultiDict({"external_body_ids": [text]})).external_body_ids == [-1]
    rows, errors = parse_exposure_csv(f"region,week_start,visits\n{text},2026-03-02,{text}\n", {"North": 1})
    assert rows == [] and len(errors) == 1


@pytest.mark.parametrize(
    "path",
    [
        "/reports?region=²&category=²&program=²",
        "/triage?region=²",
        "/actions/new?report=²&review=²",
        "/reviews/new?report=²",
        "/feedback/new?action=²",
    ],
)
def test_pages_answer_them_without_an_error(app, make, path):
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD, Role.SUPERVISOR], regions=["North"])
    client = app.test_client()
    login(client, "quality@x.test")
    assert client.get(path).status_code < 500


@pytest.mark.parametrize("value", ["", "3,4", "NM-3", " "])
def test_a_ticked_external_body_is_read_as_one_id_or_refused(value):
    """Each ticked box carries one id: anything else is refused by validation (-1), never dropped or
    split into other bodies' ids."""
    assert answers_from_form(MultiDict({"external_body_ids": [value]})).external_body_ids == [-1]
