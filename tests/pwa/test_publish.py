"""`flask --app wsgi assets publish`: the static files and the worker's modules for nginx, scripts and
styles minified by esbuild, with a gzip and a brotli copy of each text file."""

import gzip
import re
import shutil
import subprocess

import brotli
import pytest

from app.pwa.assets import SERVICE_WORKER_DIR, SHARED_MODULES, STATIC_DIR
from app.pwa.publish import ESBUILD

pytestmark = pytest.mark.skipif(not ESBUILD.exists(), reason="esbuild is not installed (npm ci)")

# What a script imports, written either way ('./x.js' in the sources, "./x.js" minified).
IMPORTED = re.compile(r"""(?:\bfrom|\bimport)\s*(['"])([^'"]+)\1""")


def published_sources():
    sources = [
        (source, source.relative_to(STATIC_DIR))
        for source in STATIC_DIR.rglob("*")
        if source.is_file() and not source.name.startswith(".")
    ]
    return sources + [(SERVICE_WORKER_DIR / name, f"sw/{name}") for name in SHARED_MODULES]


def publish(app, target, *options):
    result = app.test_cli_runner().invoke(args=["assets", "publish", str(target), *options])
    assert result.exit_code == 0, result.output
    return result


def test_publish_minifies_scripts_and_styles_and_precompresses_the_text_files(app, tmp_path):
    target = tmp_path / "static"
    (target / "js").mkdir(parents=True)
    (target / "js" / "removed-last-release.js.gz").write_bytes(b"old")
    (target / "js" / "removed-last-release.js.br").write_bytes(b"old")

    result = publish(app, target)

    for source, relative in published_sources():
        copy = target / relative
        packed, squeezed = copy.with_name(copy.name + ".gz"), copy.with_name(copy.name + ".br")
        if source.suffix in (".js", ".css"):
            assert copy.stat().st_size < source.stat().st_size * 0.9, f"{relative} not minified"
            assert gzip.decompress(packed.read_bytes()) == copy.read_bytes(), relative
            assert brotli.decompress(squeezed.read_bytes()) == copy.read_bytes(), relative
            assert squeezed.stat().st_size < packed.stat().st_size < copy.stat().st_size
        else:
            assert copy.read_bytes() == source.read_bytes()
        if source.suffix == ".js":
            # The same imports (the pages' modulepreload lists are read from the sources) ...
            written = [m.group(2) for m in IMPORTED.finditer(source.read_text())]
            assert [m.group(2) for m in IMPORTED.finditer(copy.read_text())] == written, relative
        if source.suffix == ".png":
            assert not packed.exists() and not squeezed.exists()
    assert not (target / "sw" / "sw.js").exists(), "the worker itself is made by the app (its version)"
    assert not (target / "js" / "removed-last-release.js.gz").exists()
    assert not (target / "js" / "removed-last-release.js.br").exists()
    written = len(list(target.rglob("*.gz"))) + len(list(target.rglob("*.br")))
    assert f"minified ({written} precompressed)" in result.output


@pytest.mark.skipif(not shutil.which("node"), reason="Node is not installed")
def test_every_minified_script_is_still_a_valid_module(app, tmp_path):
    target = tmp_path / "static"
    publish(app, target)
    for source, relative in published_sources():
        if source.suffix == ".js":
            # ... and each parses as the ES module it was (node reads a .mjs file as one).
            module = tmp_path / "check" / f"{str(relative).replace('/', '-')}.mjs"
            module.parent.mkdir(exist_ok=True)
            module.write_bytes((target / relative).read_bytes())
            checked = subprocess.run(["node", "--check", str(module)], capture_output=True, text=True)
            assert checked.returncode == 0, f"{relative}: {checked.stderr}"


def test_publish_without_minifying_copies_the_sources_as_written(app, tmp_path):
    target = tmp_path / "static"
    result = publish(app, target, "--no-minify")
    for source, relative in published_sources():
        assert (target / relative).read_bytes() == source.read_bytes(), relative
        if source.suffix in (".js", ".css"):
            squeezed = target / f"{relative}.br"
            assert brotli.decompress(squeezed.read_bytes()) == source.read_bytes(), relative
    assert "as written" in result.output
