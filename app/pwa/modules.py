"""The page scripts' import graph, read from their import statements.

A page that loads `report-form.js` needs a dozen modules, each found only once the one importing it
has arrived: on a slow phone every level of the chain is another round trip. The page asks for the
whole graph at once instead (`<link rel="modulepreload">`, see `module_tags`), and the list comes
from the import statements themselves, so it cannot drift from the code. Dynamic `import()` is left
out on purpose: what a page loads on demand is not needed to start.
"""

import posixpath
import re
from functools import cache
from pathlib import Path

from app.pwa.assets import SERVICE_WORKER_DIR, SHARED_MODULES, STATIC_DIR

# `import ... from '...'`, `export ... from '...'` and the bare `import '...'`, each at the start
# of a line (statements span lines; a comment or a dynamic `import(` does not start this way).
STATIC_IMPORT = re.compile(
    r"""^[ \t]*(?:(?:import|export)\b[^'"`;()]*?\bfrom|import)\s*(['"])(?P<spec>[^'"]+)\1""",
    re.MULTILINE,
)


class UnknownModule(LookupError):
    """A script imports a URL the app does not serve as a module."""


def module_file(url: str) -> Path:
    """The file behind a module URL the app serves: `/static/...` or one of the worker's `/sw/...`."""
    if url.startswith("/static/"):
        path = (STATIC_DIR / url.removeprefix("/static/")).resolve()
        if path.is_relative_to(STATIC_DIR) and path.is_file():
            return path
    elif url.startswith("/sw/") and url.removeprefix("/sw/") in SHARED_MODULES:
        return SERVICE_WORKER_DIR / url.removeprefix("/sw/")
    raise UnknownModule(url)


def imports_of(url: str, source: str) -> list[str]:
    """The URLs `source` (served at `url`) imports statically, resolved against `url`, in order."""
    found = []
    for match in STATIC_IMPORT.finditer(source):
        spec = match.group("spec")
        if not spec.startswith(("/", "./", "../")):
            raise UnknownModule(f"{spec} (imported by {url})")
        if not spec.startswith("/"):
            spec = posixpath.normpath(posixpath.join(posixpath.dirname(url), spec))
        found.append(spec)
    return found


@cache
def module_graph(entry: str) -> tuple[str, ...]:
    """Every module `entry` needs before it runs, itself included: dependencies first, each once.
    Read once per process. An import the app does not serve is left out (the browser's own fetch of
    it fails visibly; tests/pwa/test_module_preload.py fails on it first) rather than failing the page."""
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(url: str) -> None:
        if url in seen:
            return
        seen.add(url)
        try:
            imported = imports_of(url, module_file(url).read_text())
        except UnknownModule:
            return
        for dependency in imported:
            visit(dependency)
        ordered.append(url)

    visit(entry)
    return tuple(ordered)
