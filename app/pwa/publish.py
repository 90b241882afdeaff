"""The static files as nginx serves them: a copy of static/ (and of the worker's shared modules, under
`sw/`), scripts and styles minified, with a gzip and a brotli file beside each text file.

The sources stay as they are written (comments and all: the app serves them so in development); the
published copies are minified by esbuild (`npm ci` installs it), which keeps every import and export
as it is, so the pages' modulepreload lists (read from the sources) still name what the copies load.
nginx's `gzip_static` and `brotli_static` (deploy/nginx.conf) send `app.css.br` to a browser that
accepts brotli and `app.css.gz` to one that accepts only gzip, so no request pays for compression and
the files are compressed once, at the best level of each.
"""

import gzip
import shutil
import subprocess
from pathlib import Path

import brotli

from app.pwa.assets import ROOT, SERVICE_WORKER_DIR, SHARED_MODULES, STATIC_DIR
from app.pwa.bundles import BUNDLES, build_bundles

COMPRESSED_SUFFIXES = (".css", ".js", ".json", ".svg", ".txt", ".webmanifest")
PACKED_SUFFIXES = (".gz", ".br")
# The folder of the published static files that holds the worker's modules, served at /sw/.
WORKER_MODULES = "sw"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
MINIFIED = {".js": "js", ".css": "css"}  # suffix: esbuild's loader


class MinifierMissing(RuntimeError):
    """esbuild is not installed where publishing looks for it."""


def minify(data: bytes, loader: str) -> bytes:
    """``data`` minified by esbuild as a transform (no bundling: imports, exports and top-level names
    stay; comments and white space go, local names shrink)."""
    if not ESBUILD.exists():
        raise MinifierMissing(
            f"{ESBUILD} is missing: run `npm ci` (Node) first, or publish with --no-minify."
        )
    # A fixed program and fixed arguments; the file's bytes go in on standard input.
    command = [str(ESBUILD), f"--loader={loader}", "--minify", "--legal-comments=none", "--charset=utf8"]
    return subprocess.run(command, input=data, capture_output=True, check=True, timeout=60).stdout  # noqa: S603


def _sources() -> list[tuple[Path, Path]]:
    """(source file, path in the published folder) for every file published."""
    files = sorted(p for p in STATIC_DIR.rglob("*") if p.is_file() and not p.name.startswith("."))
    pairs = [(source, source.relative_to(STATIC_DIR)) for source in files]
    pairs += [(SERVICE_WORKER_DIR / name, Path(WORKER_MODULES) / name) for name in SHARED_MODULES]
    return pairs


def _packed(data: bytes) -> dict[str, bytes]:
    """The compressed copies of ``data`` worth keeping: gzip at level 9, brotli at quality 11."""
    packed = {
        ".gz": gzip.compress(data, compresslevel=9, mtime=0),
        ".br": brotli.compress(data, mode=brotli.MODE_TEXT, quality=11),
    }
    return {suffix: body for suffix, body in packed.items() if len(body) < len(data)}


def publish_static(target: Path, *, minified: bool = True) -> list[Path]:
    """Copy every static file and the worker's shared modules (into `sw/`) into `target` (made if
    missing), scripts and styles minified unless ``minified`` is false, and write `<file>.gz` and
    `<file>.br` beside each text file that they make smaller; compressed files left from an earlier
    release are removed. Minified, the pages' scripts are also bundled into `bundles/`
    (app.pwa.bundles). Returns the compressed files written."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for stale in (p for p in target.rglob("*") if p.suffix in PACKED_SUFFIXES):
        stale.unlink()
    if minified:
        if not ESBUILD.exists():
            raise MinifierMissing(
                f"{ESBUILD} is missing: run `npm ci` (Node) first, or publish with --no-minify."
            )
        build_bundles(target)
        for bundle in sorted((target / BUNDLES).rglob("*.js")):
            for suffix, body in _packed(bundle.read_bytes()).items():
                packed_path = bundle.with_name(bundle.name + suffix)
                packed_path.write_bytes(body)
                written.append(packed_path)
    else:
        shutil.rmtree(target / BUNDLES, ignore_errors=True)
    for source, relative in _sources():
        copy = target / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        if minified and source.suffix in MINIFIED:
            copy.write_bytes(minify(source.read_bytes(), MINIFIED[source.suffix]))
            shutil.copystat(source, copy)
        else:
            shutil.copy2(source, copy)
        if source.suffix not in COMPRESSED_SUFFIXES:
            continue
        for suffix, body in _packed(copy.read_bytes()).items():
            packed_path = copy.with_name(copy.name + suffix)
            packed_path.write_bytes(body)
            shutil.copystat(source, packed_path)
            written.append(packed_path)
    return written
