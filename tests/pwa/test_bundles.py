"""The pages' scripts bundled by `flask --app wsgi assets publish` (issue 18: the report form loads
5 files instead of 20 in the documented deployment), used by the app only when they are current."""

import json
import re
import shutil

import pytest

from app.pwa.bundles import BUNDLES, MANIFEST, page_scripts
from app.pwa.publish import ESBUILD
from tests.factories import login

pytestmark = pytest.mark.skipif(
    not ESBUILD.exists() or shutil.which("node") is None, reason="esbuild and Node are needed (npm ci)"
)

PRELOAD = re.compile(r'<link rel="modulepreload" href="([^"]+)">')
MODULE_SCRIPT = re.compile(r'<script type="module" src="([^"]+)"></script>')
WORKER_CONFIG = re.compile(r"const CONFIG = (\{.*?\});\n")


@pytest.fixture(scope="module")
def published(app, tmp_path_factory):
    """The static files published once for this module's tests."""
    target = tmp_path_factory.mktemp("published") / "static"
    result = app.test_cli_runner().invoke(args=["assets", "publish", str(target)])
    assert result.exit_code == 0, result.output
    return target


def manifest_of(target) -> dict:
    return json.loads((target / BUNDLES / MANIFEST).read_text())


def test_the_templates_page_scripts_are_found():
    assert {"js/app.js", "js/report-form.js", "js/triage-form.js", "js/passkeys.js"} <= set(page_scripts())


def test_every_page_script_is_one_file_with_the_chunks_it_shares(published):
    entries = manifest_of(published)["entries"]
    for script in page_scripts():
        bundle = entries[script]
        for name in [bundle["file"], *bundle["imports"]]:
            path = published / name
            assert path.is_file(), name
            assert path.with_name(path.name + ".br").is_file() and path.with_name(path.name + ".gz").is_file()
    app_js, form = entries["js/app.js"], entries["js/report-form.js"]
    assert set(app_js["imports"]) & set(form["imports"]), "what both use is one chunk both import"
    assert len({app_js["file"], *app_js["imports"], form["file"], *form["imports"]}) <= 6


def test_a_module_two_page_scripts_share_is_in_one_file_only(published):
    """Its state (here the outbox database's name, a string minifying keeps) exists once per page."""
    holders = [
        path.relative_to(published).as_posix()
        for path in (published / BUNDLES).rglob("*.js")
        if "nearmiss-outbox" in path.read_text()
    ]
    assert len(holders) == 1 and "chunks/" in holders[0], holders


def test_published_pages_load_the_bundles_and_preload_their_chunks_once(
    app, client, make, published, monkeypatch
):
    monkeypatch.setitem(app.config, "PUBLISHED_STATIC_DIR", str(published))
    make.user("dsp@x.test")
    login(client, "dsp@x.test")
    page = client.get("/report").get_data(as_text=True)
    entries = manifest_of(published)["entries"]
    scripts = MODULE_SCRIPT.findall(page)
    assert scripts == [
        f"/static/{entries['js/app.js']['file']}",
        f"/static/{entries['js/report-form.js']['file']}",
    ]
    preloads = PRELOAD.findall(page)
    assert len(preloads) == len(set(preloads))
    chunks = {
        f"/static/{name}"
        for script in ("js/app.js", "js/report-form.js")
        for name in entries[script]["imports"]
    }
    assert set(preloads) == chunks
    assert "/static/js/" not in page and "/sw/" not in "".join(preloads)

    worker = client.get("/sw.js").get_data(as_text=True)
    shell = set(json.loads(WORKER_CONFIG.search(worker).group(1))["shell"])
    assert {f"/static/{name}" for name in manifest_of(published)["files"]} <= shell, "kept for offline"
    # nginx serves them; asked of the app (a machine without the published folder in nginx), it does too
    for url in scripts:
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "text/javascript", url
        assert response.get_data() == (published / url.removeprefix("/static/")).read_bytes()
    assert client.get("/static/bundles/../../etc/passwd").status_code == 404


def test_bundles_built_from_other_scripts_are_not_used(app, client, make, published, tmp_path, monkeypatch):
    stale = tmp_path / "static"
    shutil.copytree(published, stale)
    manifest = manifest_of(stale)
    manifest["scripts_version"] = "an earlier release"
    (stale / BUNDLES / MANIFEST).write_text(json.dumps(manifest))
    monkeypatch.setitem(app.config, "PUBLISHED_STATIC_DIR", str(stale))
    make.user("dsp@x.test")
    login(client, "dsp@x.test")
    page = client.get("/report").get_data(as_text=True)
    assert MODULE_SCRIPT.findall(page) == ["/static/js/app.js", "/static/js/report-form.js"]
    worker = client.get("/sw.js").get_data(as_text=True)
    assert "/bundles/" not in worker
    assert client.get(f"/static/{manifest['entries']['js/app.js']['file']}").status_code == 404


def test_publishing_without_minifying_leaves_no_bundles(app, published, tmp_path):
    target = tmp_path / "static"
    shutil.copytree(published, target)
    result = app.test_cli_runner().invoke(args=["assets", "publish", str(target), "--no-minify"])
    assert result.exit_code == 0, result.output
    assert not (target / BUNDLES).exists()


def test_every_module_script_call_in_the_templates_is_found():
    from app.pwa.bundles import PAGE_SCRIPT, TEMPLATES

    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        assert len(PAGE_SCRIPT.findall(text)) == text.count("module_script("), path


def test_publishing_again_keeps_the_last_releases_chunks_and_drops_older_ones(app, published, tmp_path):
    """App servers still on the last release name its chunks until they are reloaded."""
    target = tmp_path / "static"
    shutil.copytree(published, target)
    chunks = target / BUNDLES / "chunks"
    (chunks / "chunk-LASTREL.js").write_text("export const a = 1;")
    (chunks / "chunk-OLDER00.js").write_text("export const b = 2;")
    manifest = manifest_of(target)
    manifest["files"].append(f"{BUNDLES}/chunks/chunk-LASTREL.js")
    (target / BUNDLES / MANIFEST).write_text(json.dumps(manifest))
    result = app.test_cli_runner().invoke(args=["assets", "publish", str(target)])
    assert result.exit_code == 0, result.output
    assert (chunks / "chunk-LASTREL.js").is_file()
    assert not (chunks / "chunk-OLDER00.js").exists()
    assert manifest_of(target)["files"] == manifest_of(published)["files"]
