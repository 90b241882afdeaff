"""Numbers in the reader's notation (issue 19): Spanish writes 12,5 and 1.000, where "6.048" would read
as six thousand; English stays exactly as Python writes it."""

from app.core.charts import Series, line_chart
from app.core.i18n import decimal, number


def test_english_is_python_s_own_writing(app):
    with app.test_request_context("/?lang=en"):
        assert number(6.048, ".4g") == "6.048"
        assert number(12.26) == "12.3"
        assert number(1000, ",") == "1,000"
        assert decimal(0, 57.4) == "57"


def test_spanish_swaps_the_decimal_and_the_thousands_marks(app):
    with app.test_request_context("/?lang=es"):
        assert number(6.048, ".4g") == "6,048"
        assert number(12.25, ".2f") == "12,25"
        assert number(1000, ",") == "1.000"
        assert number(1234.5, ",.1f") == "1.234,5"
        assert decimal(1, 3.14159) == "3,1"
        assert number(5, "g") == "5"


def test_a_chart_in_spanish_writes_its_values_with_a_comma(app):
    series = [
        Series("tasa", [6.048, 7.5, 9.25]),
        Series("centro", [7.6] * 3, "#59636e", dashed=True, show_points=False, end_label="centro"),
    ]
    with app.test_request_context("/?lang=es"):
        svg = str(line_chart(["a", "b", "c"], series, title="t", description="d"))
    assert "a: 6,048</title>" in svg and "c: 9,25</title>" in svg
    assert ">centro 7,6</text>" in svg
    assert "6.048" not in svg and "7.6<" not in svg
