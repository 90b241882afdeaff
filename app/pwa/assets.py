"""What the service worker precaches, and a version that changes whenever any of it changes."""

import hashlib
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICE_WORKER_DIR = ROOT / "service_worker"
STATIC_DIR = ROOT / "static"
# What the worker's cached pages are drawn from beside static files: the offline page and the words.
CACHED_PAGE_SOURCES = (ROOT / "templates" / "pwa", ROOT / "translations")

# Modules of service_worker/ served under /sw/: the worker imports them, pages import the outbox,
# the cache's names and the messages they send the worker.
SHARED_MODULES = ("cache.js", "messages.js", "outbox-db.js", "outbox.js", "push.js", "sync.js")


def static_shell_paths() -> list[str]:
    """URLs of every static file the app shell needs offline."""
    files = sorted(p for p in STATIC_DIR.rglob("*") if p.is_file() and not p.name.startswith("."))
    return [f"/static/{p.relative_to(STATIC_DIR).as_posix()}" for p in files]


@cache
def asset_version() -> str:
    """A short hash over the worker's source, the static files and what the offline page is drawn
    from (its template and the translations): a new version per deploy that changes any of them, so
    the worker fetches the offline page again in the new words."""
    digest = hashlib.sha256()
    page_sources = sorted(
        p for folder in CACHED_PAGE_SOURCES for p in folder.rglob("*.*") if p.suffix in (".html", ".mo")
    )
    for path in (
        sorted(SERVICE_WORKER_DIR.glob("*.js"))
        + sorted(p for p in STATIC_DIR.rglob("*") if p.is_file())
        + page_sources
    ):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
