"""What makes PDFs quicker must not change what they show (issue 18): SVG labels drawn as one run land
where WeasyPrint's own letter-by-letter drawing puts them; charts embedded as images keep their words
and their description; the largest type that fits one page is still the one chosen."""

import base64
import shutil
import subprocess
import sys

import pytest

from app.core.charts import Bar, Level, bar_chart
from app.core.pdf import chart_image, render_largest_fitting, render_pdf, warm_up
from app.core.weasyprint_speedups import _OpenArrays

pytest.importorskip("weasyprint")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

# One-run labels (start, middle and end anchored, one with an escaped ampersand) and labels WeasyPrint's
# own code must still draw: positions per letter, a tspan, letter spacing.
LABELS_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="400" height="200">'
    '<text x="10" y="20" font-size="11">Reports per week</text>'
    '<text x="200" y="50" font-size="11" text-anchor="middle" fill="#1b1f24">12 Jan 2026</text>'
    '<text x="390" y="80" font-size="11" text-anchor="end" font-weight="bold">Falls &amp; trips</text>'
    '<text x="10 60 110" y="110" font-size="11">ABC</text>'
    '<text x="10" y="140" font-size="11">lead <tspan fill="#b42318">tspan</tspan> tail</text>'
    '<text x="10" y="170" font-size="11" letter-spacing="4">spaced</text>'
    '<text x="200" y="170" font-size="11">first\u2028second</text>'
    "</svg>"
)
DOCUMENT = (
    f'<html lang="en"><body style="margin: 0">{LABELS_SVG}'
    '<img src="data:image/svg+xml;base64,{}"></body></html>'
)


def word_boxes(pdf: bytes, tmp_path, name: str) -> list[tuple[str, float, float]]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = []
    for line in html.splitlines():
        if line.strip().startswith("<word "):
            attributes = dict(part.split("=", 1) for part in line.strip()[6:].split(">")[0].split())
            text = line.split(">", 1)[1].rsplit("</word>", 1)[0]
            words.append((text, float(attributes["xMin"].strip('"')), float(attributes["yMin"].strip('"'))))
    return words


@needs_pdftotext
def test_one_run_labels_land_where_weasyprints_own_drawing_puts_them(tmp_path):
    html = DOCUMENT.format(base64.b64encode(LABELS_SVG.encode()).decode())
    warm_up()  # installs the speed-ups in this process
    quick = render_pdf(html).data
    script = (
        "import sys\n"
        "from weasyprint import HTML\n"
        "sys.stdout.buffer.write(HTML(string=sys.stdin.read()).write_pdf())\n"
    )
    upstream = subprocess.run(
        [sys.executable, "-c", script], input=html.encode(), capture_output=True, timeout=120, check=True
    ).stdout
    drawn, expected = word_boxes(quick, tmp_path, "quick"), word_boxes(upstream, tmp_path, "upstream")
    words = sorted(word for word, _, _ in drawn)
    assert words == sorted(word for word, _, _ in expected)
    # every label twice (the inline chart and the image), "ABC" letter by letter at its three x's
    assert words.count("Reports") == words.count("&amp;") == words.count("tspan") == words.count("B") == 2
    assert sum("second" in word for word in words) == 2  # after a line separator: drawn all the same
    drawn, expected = sorted(drawn), sorted(expected)
    for (word, x, y), (_, expected_x, expected_y) in zip(drawn, expected, strict=True):
        assert abs(x - expected_x) < 0.75 and abs(y - expected_y) < 0.75, (word, x, expected_x, y, expected_y)


@needs_pdftotext
def test_a_chart_drawn_as_an_image_keeps_its_words_and_its_description(tmp_path):
    svg = bar_chart(
        [Bar("5 Jan 2026", 4), Bar("12 Jan 2026", 7, highlighted=True)],
        title="Falls <at home>",
        description="Reports per week & the baseline.",
        levels=(Level(0, 1, 5.5, "baseline: 5.5/wk"),),
        marker_at=1,
        marker_label="change starts",
    )
    image = chart_image(svg)
    assert 'alt="Falls &lt;at home&gt;. Reports per week &amp; the baseline."' in image
    # a control character typed into a label (a vertical tab) is dropped, not a broken pack
    typed = bar_chart([Bar("5 Jan", 1)], title="Checks\x0bdone", description="d", y_label="a\x01b")
    typed = chart_image(typed)
    assert 'alt="Checksdone. d"' in typed
    encoded = str(image).split("base64,", 1)[1].split('"', 1)[0]
    assert base64.b64decode(encoded).decode() == str(svg)
    rendered = render_pdf(f'<html lang="en"><body>{image}</body></html>')
    path = tmp_path / "chart.pdf"
    path.write_bytes(rendered.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for label in ("5 Jan 2026", "12 Jan 2026", "baseline: 5.5/wk", "change starts", "reports"):
        assert label in text  # WeasyPrint logs and skips an SVG image it cannot draw: this would be empty


def test_the_largest_document_that_fits_is_chosen_and_the_first_when_none_does():
    def growing(paragraphs: list[int]) -> list[str]:
        return [f'<html lang="en"><body>{"<p>A line of text.</p>" * n}</body></html>' for n in paragraphs]

    index, rendered = render_largest_fitting(growing([1, 5, 10, 20, 200, 400, 800]))
    assert (index, rendered.pages) == (3, 1)
    index, rendered = render_largest_fitting(growing([1, 2, 3]))
    assert (index, rendered.pages) == (2, 1)
    index, rendered = render_largest_fitting(growing([200, 400]))
    assert index == 0 and rendered.pages > 1
    index, rendered = render_largest_fitting(growing([200, 400]), pages=8)  # 8 and 15 pages
    assert (index, rendered.pages) == (0, 8)


def test_an_array_of_glyph_ids_is_the_same_array_through_the_open_type():
    class Recorder:
        def __init__(self):
            self.asked = []

        def new(self, cdecl, init=None):
            self.asked.append(cdecl)
            return list(init or [])

    recorder = Recorder()
    arrays = _OpenArrays(recorder)
    assert arrays.new("hb_codepoint_t[3]", [5, 6, 7]) == [5, 6, 7]
    assert arrays.new("hb_codepoint_t[2]", (1, 2)) == [1, 2]
    arrays.new("char[4]", b"abc")
    assert recorder.asked == ["hb_codepoint_t[]", "hb_codepoint_t[]", "char[4]"]
