"""The pages' scripts as a few files, for the documented deployment (issue 18: the form on a slow phone).

In development every page loads its modules as written: the report form asks for 20 files at once
(``modulepreload``). Measured under Chromium's throttling at 300 ms and 750 kbit/s, those 20 answers
arrive one after another, about 16 ms apart whatever their size (``bench/RESULTS.md``). ``flask assets
publish`` therefore also bundles the pages' scripts with esbuild (``bundle-pages.mjs``): one file per
page script the templates name, and chunks for what several of them share, so a module shared by
``app.js`` and ``report-form.js`` is still loaded once per page, with its state.

The bundles and their manifest go to ``bundles/`` in the published folder. The app uses them only
when ``PUBLISHED_STATIC_DIR`` names that folder and the manifest was built from the scripts the app
runs now (``scripts_version``): a release whose static files were not published again keeps serving
the modules as written rather than yesterday's bundles.
"""

import hashlib
import json
import logging
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import current_app

from app.pwa.assets import ROOT, SERVICE_WORKER_DIR, SHARED_MODULES, STATIC_DIR

BUNDLES = "bundles"  # the folder of the published static files that holds them
MANIFEST = "manifest.json"
SCRIPT = Path(__file__).with_name("bundle-pages.mjs")
TEMPLATES = ROOT / "templates"
PAGE_SCRIPT = re.compile(r"""module_script\(\s*['"]([^'"]+)['"]\s*\)""")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Bundle:
    file: str  # under the static folder, e.g. "bundles/js/report-form.js"
    imports: tuple[str, ...]  # the chunks it imports, directly or through another chunk


def page_scripts() -> list[str]:
    """Every page script the templates load through ``module_script`` (e.g. ``js/report-form.js``)."""
    named = {match for path in TEMPLATES.rglob("*.html") for match in PAGE_SCRIPT.findall(path.read_text())}
    return sorted(named)


@cache
def scripts_version() -> str:
    """A hash over what the bundles are built from: the scripts under static/, the worker's shared
    modules and the bundling script."""
    digest = hashlib.sha256(" ".join(page_scripts()).encode())  # which scripts are pages' entries
    shared = [SERVICE_WORKER_DIR / name for name in SHARED_MODULES]
    paths = sorted(STATIC_DIR.rglob("*.js")) + shared + [SCRIPT]
    for path in paths:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_bundles(target: Path) -> Path:
    """Bundle the page scripts into ``target/bundles`` and write its manifest; returns the manifest's
    path. Needs Node and esbuild (``npm ci``). The chunks of the release published before stay (older
    ones go): app servers still running it name them in their pages and their worker's list until they
    are reloaded, and a worker that cannot fetch one of its list installs nothing."""
    node = shutil.which("node")
    if node is None:
        raise FileNotFoundError("Node is needed to bundle the pages' scripts (./dev.sh setup installs it).")
    out = target / BUNDLES
    out.mkdir(parents=True, exist_ok=True)
    try:
        previous = set(json.loads((out / MANIFEST).read_text())["files"])
    except (OSError, ValueError, KeyError):
        previous = set()
    arguments = [str(SCRIPT), str(STATIC_DIR), str(SERVICE_WORKER_DIR), str(out.resolve()), *page_scripts()]
    # A fixed program (node, the script beside this module) and arguments: paths and script names.
    result = subprocess.run(  # noqa: S603
        [node, *arguments],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=120,
    )
    manifest = manifest_from(json.loads(result.stdout), out.resolve())
    kept = set(manifest["files"]) | previous
    for stale in [p for p in out.rglob("*") if p.is_file() and p.name != MANIFEST]:
        if (
            f"{BUNDLES}/{stale.relative_to(out).as_posix()}".removesuffix(".br").removesuffix(".gz")
            not in kept
        ):
            stale.unlink()
    path = out / MANIFEST
    path.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return path


def manifest_from(metafile: dict, out: Path) -> dict:
    """From esbuild's metafile: for each page script, its file and every chunk it imports statically
    (what the page should preload); chunks it imports on demand (``import()``) are left to load then."""
    outputs = {}
    for name, output in metafile["outputs"].items():
        path = (ROOT / name).resolve()
        outputs[path] = output
    static_imports = {
        path: [
            (ROOT / item["path"]).resolve()
            for item in output["imports"]
            if item["kind"] == "import-statement"
        ]
        for path, output in outputs.items()
    }

    def under_static(path: Path) -> str:
        return f"{BUNDLES}/{path.relative_to(out).as_posix()}"

    entries = {}
    for path, output in outputs.items():
        entry = output.get("entryPoint")
        if entry is None:
            continue
        seen: list[Path] = []
        waiting = list(static_imports[path])
        while waiting:
            chunk = waiting.pop(0)
            if chunk not in seen:
                seen.append(chunk)
                waiting.extend(static_imports.get(chunk, []))
        script = (ROOT / entry).resolve().relative_to(STATIC_DIR).as_posix()
        entries[script] = {"file": under_static(path), "imports": [under_static(chunk) for chunk in seen]}
    return {
        "scripts_version": scripts_version(),
        "entries": entries,
        "files": sorted(under_static(path) for path in outputs),
    }


_manifests: dict[str, dict] = {}  # folder: its manifest, once read and found current
_missing: dict[str, float] = {}  # folder: when it was last found without a current manifest
LOOK_AGAIN_SECONDS = 60.0


def _manifest(folder: str) -> dict | None:
    """The folder's manifest when it was built from the scripts running now. A good one is kept; a
    missing or stale one is looked for again a minute later (a folder published after the app started
    is used from then on), and said once in the log, not on every page."""
    if folder in _manifests:
        return _manifests[folder]
    checked = _missing.get(folder)
    if checked is not None and time.monotonic() - checked < LOOK_AGAIN_SECONDS:
        return None
    path = Path(folder) / BUNDLES / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        manifest = None
    if manifest is None or manifest.get("scripts_version") != scripts_version():
        if checked is None:
            why = "none is there" if manifest is None else "they were built from other scripts"
            log.warning("Pages load their scripts as written, not the bundles at %s: %s.", path, why)
        _missing[folder] = time.monotonic()
        return None
    _missing.pop(folder, None)
    _manifests[folder] = manifest
    return manifest


def published_manifest() -> dict | None:
    """The manifest of the bundles in use (``PUBLISHED_STATIC_DIR``), or None: scripts as written."""
    folder = current_app.config.get("PUBLISHED_STATIC_DIR")
    return _manifest(folder) if folder else None


def bundle_for(script: str) -> Bundle | None:
    """The bundle that replaces the page script ``script`` (``js/report-form.js``), if one is in use."""
    manifest = published_manifest()
    entry = manifest["entries"].get(script) if manifest else None
    return Bundle(entry["file"], tuple(entry["imports"])) if entry else None


def bundle_paths() -> list[str]:
    """URLs of every bundle and chunk in use, for the worker to keep offline (none in development)."""
    manifest = published_manifest()
    return [f"/static/{name}" for name in manifest["files"]] if manifest else []
