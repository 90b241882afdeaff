"""What the service worker precaches, and a version that changes whenever any of it changes."""

import hashlib
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICE_WORKER_DIR = ROOT / "service_worker"
STATIC_DIR = ROOT / "static"

# Modules of service_worker/ served under /sw/: the worker imports them, pages import the outbox.
SHARED_MODULES = ("cache.js", "outbox-db.js", "outbox.js", "push.js", "sync.js")


def static_shell_paths() -> list[str]:
    """URLs of every static file the app shell needs offline."""
    files = sorted(p for p in STATIC_DIR.rglob("*") if p.is_file() and not p.name.startswith("."))
    return [f"/static/{p.relative_to(STATIC_DIR).as_posix()}" for p in files]


@cache
def asset_version() -> str:
    """A short hash over the worker's source and the static files: a new version per deploy."""
    digest = hashlib.sha256()
    for path in sorted(SERVICE_WORKER_DIR.glob("*.js")) + sorted(
        p for p in STATIC_DIR.rglob("*") if p.is_file()
    ):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
