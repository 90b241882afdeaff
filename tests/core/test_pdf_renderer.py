"""The PDF renderer forks every render from a warm process (WeasyPrint imported and its fonts set up
once), and its fences still hold there: a render that runs too long or takes too much memory is
stopped with a clear message, and the next one is drawn."""

import subprocess
import sys

import pytest

from app.core.pdf import PdfRenderError, is_warm, render_pdf, warm_up

pytest.importorskip("weasyprint")


def test_a_render_starts_warm():
    rendered = render_pdf("<p>A one-page document.</p>")
    assert rendered.pages == 1 and rendered.started_warm
    assert is_warm()  # the server process holds the warm set-up, paid once for every later render


def test_warming_up_leaves_no_thread_running_to_fork_under():
    """Setting up fonts starts a thread of Pango's; a fork while it runs could copy a held lock. Warm
    up in a fresh interpreter and count its threads before and after."""
    script = (
        "import os\n"
        "from app.core.pdf import warm_up\n"
        "before = len(os.listdir('/proc/self/task'))\n"
        "warm_up()\n"
        "print(before, len(os.listdir('/proc/self/task')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    before, after = result.stdout.split()
    assert after == before


def test_a_runaway_render_from_a_warm_process_is_stopped_and_the_next_one_drawn():
    warm_up()
    html = "<table>" + "<tr><td>cell</td></tr>" * 60000 + "</table>"
    with pytest.raises(PdfRenderError, match=r"longer than 0\.5 seconds"):
        render_pdf(html, timeout=0.5)
    assert render_pdf("<p>Next.</p>").pages == 1
