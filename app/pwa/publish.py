"""The static files as nginx serves them: a copy of static/ (and of the worker's shared modules, under
`sw/`) with a gzip and a brotli file beside each text file.

nginx's `gzip_static` and `brotli_static` (deploy/nginx.conf) send `app.css.br` to a browser that
accepts brotli and `app.css.gz` to one that accepts only gzip, so no request pays for compression and
the files are compressed once, at the best level of each.
"""

import gzip
import shutil
from pathlib import Path

import brotli

from app.pwa.assets import SERVICE_WORKER_DIR, SHARED_MODULES, STATIC_DIR

COMPRESSED_SUFFIXES = (".css", ".js", ".json", ".svg", ".txt", ".webmanifest")
PACKED_SUFFIXES = (".gz", ".br")
# The folder of the published static files that holds the worker's modules, served at /sw/.
WORKER_MODULES = "sw"


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


def publish_static(target: Path) -> list[Path]:
    """Copy every static file and the worker's shared modules (into `sw/`) into `target` (made if
    missing), and write `<file>.gz` and `<file>.br` beside each text file that they make smaller;
    compressed files left from an earlier release are removed. Returns the compressed files written."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for stale in (p for p in target.rglob("*") if p.suffix in PACKED_SUFFIXES):
        stale.unlink()
    for source, relative in _sources():
        copy = target / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
        if source.suffix not in COMPRESSED_SUFFIXES:
            continue
        for suffix, body in _packed(source.read_bytes()).items():
            packed_path = copy.with_name(copy.name + suffix)
            packed_path.write_bytes(body)
            shutil.copystat(source, packed_path)
            written.append(packed_path)
    return written
