"""`flask --app wsgi assets publish`: the static files for nginx, with a gzip copy of each text file."""

import gzip

from app.pwa.assets import STATIC_DIR


def test_publish_copies_static_and_precompresses_the_text_files(app, tmp_path):
    target = tmp_path / "static"
    (target / "js").mkdir(parents=True)
    (target / "js" / "removed-last-release.js.gz").write_bytes(b"old")

    result = app.test_cli_runner().invoke(args=["assets", "publish", str(target)])
    assert result.exit_code == 0, result.output

    sources = [p for p in STATIC_DIR.rglob("*") if p.is_file() and not p.name.startswith(".")]
    for source in sources:
        relative = source.relative_to(STATIC_DIR)
        assert (target / relative).read_bytes() == source.read_bytes()
        packed = target / relative.with_name(relative.name + ".gz")
        if source.suffix in (".js", ".css"):
            assert gzip.decompress(packed.read_bytes()) == source.read_bytes(), relative
            assert packed.stat().st_size < source.stat().st_size
        if source.suffix == ".png":
            assert not packed.exists()
    assert not (target / "js" / "removed-last-release.js.gz").exists()
    written = len(list(target.rglob("*.gz")))
    assert f"({written} precompressed)" in result.output
