"""`flask --app wsgi assets publish`: the static files and the worker's modules for nginx, with a
gzip and a brotli copy of each text file."""

import gzip

import brotli

from app.pwa.assets import SERVICE_WORKER_DIR, SHARED_MODULES, STATIC_DIR


def test_publish_copies_static_and_precompresses_the_text_files(app, tmp_path):
    target = tmp_path / "static"
    (target / "js").mkdir(parents=True)
    (target / "js" / "removed-last-release.js.gz").write_bytes(b"old")
    (target / "js" / "removed-last-release.js.br").write_bytes(b"old")

    result = app.test_cli_runner().invoke(args=["assets", "publish", str(target)])
    assert result.exit_code == 0, result.output

    sources = [
        (source, source.relative_to(STATIC_DIR))
        for source in STATIC_DIR.rglob("*")
        if source.is_file() and not source.name.startswith(".")
    ]
    sources += [(SERVICE_WORKER_DIR / name, f"sw/{name}") for name in SHARED_MODULES]
    for source, relative in sources:
        copy = target / relative
        assert copy.read_bytes() == source.read_bytes()
        packed, squeezed = copy.with_name(copy.name + ".gz"), copy.with_name(copy.name + ".br")
        if source.suffix in (".js", ".css"):
            assert gzip.decompress(packed.read_bytes()) == source.read_bytes(), relative
            assert brotli.decompress(squeezed.read_bytes()) == source.read_bytes(), relative
            assert squeezed.stat().st_size < packed.stat().st_size < source.stat().st_size
        if source.suffix == ".png":
            assert not packed.exists() and not squeezed.exists()
    assert not (target / "sw" / "sw.js").exists(), "the worker itself is made by the app (its version)"
    assert not (target / "js" / "removed-last-release.js.gz").exists()
    assert not (target / "js" / "removed-last-release.js.br").exists()
    written = len(list(target.rglob("*.gz"))) + len(list(target.rglob("*.br")))
    assert f"({written} precompressed)" in result.output
