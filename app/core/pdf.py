"""PDF rendering with WeasyPrint, fenced in.

- The only resources a document may load are ``data:`` URLs and the app's own ``/static/`` files (read
  from disk); every other URL - ``file://``, ``http://``, cloud metadata addresses - is refused and
  recorded, so user text can never pull a file or reach the network.
- Every document is a tagged PDF/UA-1 (``PDF_VARIANT``).
- Rendering runs in a forked child process under a memory limit (RLIMIT_AS) and a wall-clock limit; a
  document that exceeds either fails with ``PdfRenderError`` and a clear message instead of taking the
  web worker down.
- The child starts warm: WeasyPrint is imported and its fonts set up once per server process
  (:func:`warm_up`, at the first render or when gunicorn starts a worker), before any fork, so a render
  pays only for its own document - not a second of imports and font discovery every time.
"""

import base64
import mimetypes
import multiprocessing
import re
import resource
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from markupsafe import Markup

from app.core import weasyprint_speedups

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
INTERNAL_BASE = "https://app.invalid/"
DEFAULT_TIMEOUT_SECONDS = 60
DEFAULT_MEMORY_BYTES = 1536 * 1024 * 1024
# Tagged PDF (PDF/UA-1): a structure tree in reading order, the document's language from <html lang>,
# its <title> shown as the window title, so a screen reader reads guides and packs as they are laid out.
PDF_VARIANT = "pdf/ua-1"


SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
# Characters XML forbids, which typed text can hold (a vertical tab pasted from a word processor):
# the HTML parser let them through inline; in an SVG image they would stop the XML parser.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def chart_image(svg: str) -> Markup:
    """A chart's inline SVG (``app.core.charts``) as an ``<img>`` of the same SVG, for a PDF.

    WeasyPrint reads an SVG image with the XML parser and draws it as one replaced box; inline, every
    element of the chart also went through the HTML parser and the CSS cascade (a tenth of the evidence
    pack's drawing). The tagged PDF's figure gets the chart's title and description as its alternative
    text (inline, it had the title only)."""
    svg = XML_FORBIDDEN.sub("", str(svg))
    root = ElementTree.fromstring(svg)  # noqa: S314 - drawn by app.core.charts, every text escaped
    alt = ". ".join(
        " ".join(element.text.split())
        for element in (root.find(f"{SVG_NAMESPACE}title"), root.find(f"{SVG_NAMESPACE}desc"))
        if element is not None and element.text
    )
    source = base64.b64encode(svg.encode()).decode("ascii")
    return Markup('<img class="chart" alt="{}" src="data:image/svg+xml;base64,{}">').format(alt, source)


class PdfRenderError(RuntimeError):
    """The document could not be rendered within its limits."""


@dataclass
class FetchLog:
    refused: list[str] = field(default_factory=list)


def safe_fetcher(log: FetchLog):
    """A WeasyPrint URL fetcher that serves data: URLs and /static/ files, and refuses the rest."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(INTERNAL_BASE + "static/"):
                relative = url[len(INTERNAL_BASE + "static/") :].split("?", 1)[0]
                path = (STATIC_DIR / relative).resolve()
                if STATIC_DIR in path.parents and path.is_file():
                    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
            log.refused.append(url[:200])
            raise ValueError(f"blocked resource: {url[:80]}")

    return SafeFetcher()


# Drawn once by warm_up: regular and bold text, table cells, an SVG label, and the symbols the packs
# use that DejaVu Sans lacks (a fallback font is looked up for those), so children inherit every cache.
WARM_UP_HTML = (
    '<html lang="en"><body style="font-family: \'DejaVu Sans\', sans-serif; font-size: 9pt">'
    "<p>Near miss &ndash; &ldquo;cues&rdquo; &rarr; &plusmn; &ge; &umacr; &radic; &sigma; "
    "&#8322; &#7522; &middot; "
    "<strong>bold</strong> <em>italic</em></p>"
    "<table><tr><th>Cue</th><td>For example</td></tr></table>"
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 20" width="100" height="20">'
    '<text x="2" y="12" font-size="11">5</text></svg></body></html>'
)
_warm = threading.Lock()
_font_config = None  # WeasyPrint's FontConfiguration, set up by warm_up and shared by forked children


def warm_up() -> None:
    """Import WeasyPrint and set up its fonts in this process, once, before any render forks.

    Every forked child inherits the imported modules and the font configuration with its caches, so
    the cold start (about a second) is paid once per server process instead of once per PDF. Drawing a
    small fixed document here also lets Pango's font-loading thread finish: no thread of WeasyPrint's
    is running when a render forks. Safe to call from several threads."""
    global _font_config
    with _warm:
        if _font_config is not None:
            return
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration

        weasyprint_speedups.install()
        config = FontConfiguration()
        document = HTML(string=WARM_UP_HTML, base_url=INTERNAL_BASE, url_fetcher=safe_fetcher(FetchLog()))
        document.render(font_config=config).write_pdf(pdf_variant=PDF_VARIANT)
        _font_config = config


def is_warm() -> bool:
    """Whether this process has WeasyPrint imported and its fonts set up (see :func:`warm_up`)."""
    return _font_config is not None


def _lay_out(html: str):
    """``html`` laid out in pages (not yet written), with the log of what it asked to fetch."""
    from weasyprint import HTML

    log = FetchLog()
    document = HTML(string=html, base_url=INTERNAL_BASE, url_fetcher=safe_fetcher(log)).render(
        font_config=_font_config
    )
    return document, log


def _written(document, log: FetchLog) -> tuple[bytes, int, list[str], int, bool]:
    data = document.write_pdf(pdf_variant=PDF_VARIANT)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return data, len(document.pages), log.refused, peak_kb, is_warm()


def _render_in_process(html: str) -> tuple[bytes, int, list[str], int, bool]:
    return _written(*_lay_out(html))


def _largest_fitting_in_process(documents: Sequence[str], pages: int) -> tuple[int, tuple]:
    """A binary search over ``documents`` (in growing size) for the largest that lays out in at most
    ``pages`` pages (the first when none does); only the chosen one is written as a PDF."""
    low, high, best, chosen = 0, len(documents) - 1, None, None
    while low <= high:
        middle = (low + high) // 2
        laid_out = _lay_out(documents[middle])
        if len(laid_out[0].pages) <= pages:
            best, chosen, low = middle, laid_out, middle + 1
        else:
            high = middle - 1
            if middle == 0:
                chosen = laid_out
    index = 0 if best is None else best
    return index, _written(*chosen)


def _address_space_in_use() -> int:
    """Bytes of address space this process has mapped: at the fork, all the parent had (libraries,
    and whatever it loaded since, e.g. the text-similarity model and its thread arenas)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _child(job: Callable[[], object], memory_bytes: int, connection) -> None:
    try:
        # The fence is on what rendering adds, not on what the child inherited: a server that has
        # loaded more since it started must still render the same documents.
        limit = _address_space_in_use() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        connection.send(("ok", job()))
    except MemoryError:
        connection.send(("error", "The document needs more memory than PDF rendering is allowed."))
    except Exception as exc:
        connection.send(("error", f"The PDF could not be rendered ({type(exc).__name__})."))
    finally:
        connection.close()


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    refused: list[str]
    peak_kb: int = 0  # the rendering process's peak resident memory
    started_warm: bool = False  # the rendering process began with WeasyPrint and its fonts set up


def render_pdf(
    html: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS, memory_bytes: int = DEFAULT_MEMORY_BYTES
) -> RenderedPdf:
    """Render ``html`` to PDF in a child process bounded in time and memory (forked from a warm
    process: see :func:`warm_up`)."""
    return RenderedPdf(*_in_child(partial(_render_in_process, html), timeout, memory_bytes))


def render_largest_fitting(
    documents: Sequence[str],
    *,
    pages: int = 1,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    memory_bytes: int = DEFAULT_MEMORY_BYTES,
) -> tuple[int, RenderedPdf]:
    """Of ``documents`` (the same document in growing sizes), the largest that fits in ``pages``
    pages - the first when none does - as ``(its index, its PDF)``.

    One fenced child lays out the few candidates a binary search needs and writes only the chosen
    one: a one-page cue guide in the largest type that fits costs one fork and one PDF, not three."""
    if not documents:
        raise ValueError("no document to render")
    index, payload = _in_child(partial(_largest_fitting_in_process, documents, pages), timeout, memory_bytes)
    return index, RenderedPdf(*payload)


def _in_child(job: Callable[[], object], timeout: float, memory_bytes: int):
    """``job()`` run in a child forked from this (warm) process, under the memory and time fences."""
    warm_up()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(job, memory_bytes, sender), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise PdfRenderError(f"Rendering took longer than {timeout:g} seconds and was stopped.")
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise PdfRenderError("Rendering stopped: the document needs more memory than allowed.") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()
    if status != "ok":
        raise PdfRenderError(payload)
    return payload
