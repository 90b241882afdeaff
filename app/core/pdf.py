"""PDF rendering with WeasyPrint, fenced in.

- The only resources a document may load are ``data:`` URLs and the app's own ``/static/`` files (read
  from disk); every other URL - ``file://``, ``http://``, cloud metadata addresses - is refused and
  recorded, so user text can never pull a file or reach the network.
- Every document is a tagged PDF/UA-1 (``PDF_VARIANT``).
- Rendering runs in a forked child process under a memory limit (RLIMIT_AS) and a wall-clock limit; a
  document that exceeds either fails with ``PdfRenderError`` and a clear message instead of taking the
  web worker down.
"""

import mimetypes
import multiprocessing
import resource
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


def _render_in_process(html: str) -> tuple[bytes, int, list[str], int]:
    from weasyprint import HTML

    log = FetchLog()
    document = HTML(string=html, base_url=INTERNAL_BASE, url_fetcher=safe_fetcher(log)).render()
    data = document.write_pdf(pdf_variant=PDF_VARIANT)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return data, len(document.pages), log.refused, peak_kb


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


def render_pdf(
    html: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS, memory_bytes: int = DEFAULT_MEMORY_BYTES
) -> RenderedPdf:
    """Render ``html`` to PDF in a child process bounded in time and memory."""
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
    data, pages, refused, peak_kb = payload
    return RenderedPdf(data, pages, refused, peak_kb)
