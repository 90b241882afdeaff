"""Reading exposure CSV files: every bad row named, nothing half-imported."""

from datetime import date

from app.dashboard.exposure_csv import parse_exposure_csv

REGIONS = {"North": 1, "South": 2}


def test_good_file():
    rows, errors = parse_exposure_csv(
        "Region,Week_Start,Visits,service_hours\nNorth,2026-03-02,1200,850.5\n2,2026-03-02,900,\n", REGIONS
    )
    assert errors == []
    assert [(r.region_id, r.week_start, r.visits, r.service_hours) for r in rows] == [
        (1, date(2026, 3, 2), 1200, 850.5),
        (2, date(2026, 3, 2), 900, None),
    ]


def test_every_bad_row_is_named_and_nothing_is_returned():
    text = (
        "region,week_start,visits\nNorth,2026-03-02,1200\nAtlantis,2026-03-02,5\n"
        "South,2026-03-03,10\nSouth,soon,-4\nNorth,2026-03-02,7\n"
    )
    rows, errors = parse_exposure_csv(text, REGIONS)
    assert rows == []
    assert errors == [
        "Line 3: unknown region “Atlantis”.",
        "Line 4: week_start 2026-03-03 is not a Monday.",
        "Line 5: week_start must be a date like 2026-03-02; visits must be a whole number, 0 or more.",
        "Line 6: the same region and week as line 2.",
    ]


def test_missing_columns_and_empty_files():
    assert parse_exposure_csv("region,visits\nNorth,4\n", REGIONS)[1] == [
        "The first line must name the columns: missing week_start."
    ]
    assert parse_exposure_csv("region,week_start,visits\n", REGIONS)[1] == ["The file has no data rows."]
    assert parse_exposure_csv("", REGIONS)[1][0].startswith("The first line must name")
