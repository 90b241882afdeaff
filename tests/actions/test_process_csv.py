"""Reading process counts from CSV: every bad line named, nothing imported from a file with one; and
the export a spreadsheet cannot turn into formulas."""

import csv
import io
from datetime import date
from types import SimpleNamespace

from app.actions.process_csv import parse_process_csv, process_csv


def test_a_good_file_gives_its_weeks():
    entries, errors = parse_process_csv("Week,Numerator,Denominator\n2026-03-02,30,40\n2026-03-09, 0 ,0\n")
    assert errors == []
    assert [(e.week_start, e.numerator, e.denominator, e.line) for e in entries] == [
        (date(2026, 3, 2), 30, 40, 2),
        (date(2026, 3, 9), 0, 0, 3),
    ]


def test_each_bad_line_is_named():
    text = (
        "week,numerator,denominator\n"
        "2026-03-02,30,40\n"
        "2026-03-03,1,2\n"
        "2026-03-09,41,40\n"
        "next week,-1,²\n"
        "2026-03-02,5,5\n"
    )
    entries, errors = parse_process_csv(text)
    assert [e.line for e in entries] == [2]  # the well-formed line; the caller refuses the whole file
    assert errors == [
        "Line 3: week 2026-03-03 is not a Monday (weeks start on Monday).",
        "Line 4: numerator 41 is more than denominator 40.",
        "Line 5: week must be a date like 2026-03-02; numerator must be a whole number from 0 to "
        "1,000,000; denominator must be a whole number from 0 to 1,000,000.",
        "Line 6: the same week as line 2.",
    ]


def test_a_file_without_the_columns_or_rows_is_refused():
    assert parse_process_csv("date,count\n2026-03-02,3\n")[1] == [
        "The first line must name the columns week,numerator,denominator: "
        "missing week, numerator, denominator."
    ]
    assert parse_process_csv("week,numerator,denominator\n")[1] == ["The file has no data rows."]
    assert parse_process_csv("")[1][0].startswith("The first line must name the columns")
    assert parse_process_csv("week,numerator,denominator\n2026-03-02,1\x00,2\n") == (
        [],
        ["Line 2: numerator must be a whole number from 0 to 1,000,000."],
    )
    huge_field = "week,numerator,denominator\n2026-03-02,1," + "9" * 200_000 + "\n"
    assert parse_process_csv(huge_field)[1][0].startswith("The file could not be read as CSV")


def test_the_export_reads_back_and_holds_no_formula():
    weeks = [SimpleNamespace(week_start=date(2026, 3, 2), numerator=30, denominator=40)]
    text = process_csv(weeks)
    assert list(csv.reader(io.StringIO(text))) == [
        ["week", "numerator", "denominator"],
        ["2026-03-02", "30", "40"],
    ]
    assert parse_process_csv(text)[1] == []
    assert not any(
        cell.startswith(("=", "+", "-", "@")) for row in csv.reader(io.StringIO(text)) for cell in row
    )
