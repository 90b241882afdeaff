"""The static files as nginx serves them: a copy of static/ with a gzip file beside each text file.

nginx's `gzip_static` (deploy/nginx.conf) sends `app.css.gz` to a browser that accepts gzip, so no
request pays for compression and the files are compressed once, at the best level.
"""

import gzip
import shutil
from pathlib import Path

from app.pwa.assets import STATIC_DIR

COMPRESSED_SUFFIXES = (".css", ".js", ".json", ".svg", ".txt", ".webmanifest")


def publish_static(target: Path) -> list[Path]:
    """Copy every static file into `target` (made if missing) and write `<file>.gz` beside each text
    file that gzip makes smaller; gzip files left from an earlier release are removed. Returns the
    gzip files written."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for stale in target.rglob("*.gz"):
        stale.unlink()
    for source in sorted(STATIC_DIR.rglob("*")):
        if not source.is_file() or source.name.startswith("."):
            continue
        copy = target / source.relative_to(STATIC_DIR)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
        if source.suffix not in COMPRESSED_SUFFIXES:
            continue
        data = source.read_bytes()
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        if len(packed) < len(data):
            packed_path = copy.with_name(copy.name + ".gz")
            packed_path.write_bytes(packed)
            shutil.copystat(source, packed_path)
            written.append(packed_path)
    return written
