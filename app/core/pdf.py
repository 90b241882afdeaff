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

import mimetypes
import multiprocessing
import resource
import threading
from dataclasses import dataclass, field
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
INTERNAL_BASE = "https://app.invalid/"
DEFAULT_TIMEOUT_SECONDS = 60
DEFAULT_MEMORY_BYTES = 1536 * 1024 * 1024
# Tagged PDF (PDF/UA-1): a structure tree in reading order, the document's language from <html lang>,
# its <title> shown as the window title, so a screen reader reads guides and packs as they are laid out.
PDF_VARIANT = "pdf/ua-1"


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

        config = FontConfiguration()
        document = HTML(string=WARM_UP_HTML, base_url=INTERNAL_BASE, url_fetcher=safe_fetcher(FetchLog()))
        document.render(font_config=config).write_pdf(pdf_variant=PDF_VARIANT)
        _font_config = config


def is_warm() -> bool:
    """Whether this process has WeasyPrint imported and its fonts set up (see :func:`warm_up`)."""
    return _font_config is not None


def _render_in_process(html: str) -> tuple[bytes, int, list[str], int, bool]:
    from weasyprint import HTML

    log = FetchLog()
    document = HTML(string=html, base_url=INTERNAL_BASE, url_fetcher=safe_fetcher(log)).render(
        font_config=_font_config
    )
    data = document.write_pdf(pdf_variant=PDF_VARIANT)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return data, len(document.pages), log.refused, peak_kb, is_warm()


def _address_space_in_use() -> int:
    """Bytes of address space this process has mapped: at the fork, all the parent had (libraries,
    and whatever it loaded since, e.g. the text-similarity model and its thread arenas)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _child(html: str, memory_bytes: int, connection) -> None:
    try:
        # The fence is on what rendering adds, not on what the child inherited: a server that has
        # loaded more since it started must still render the same documents.
        limit = _address_space_in_use() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        connection.send(("ok", _render_in_process(html)))
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
    warm_up()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(html, memory_bytes, sender), daemon=True)
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
    return RenderedPdf(*payload)
