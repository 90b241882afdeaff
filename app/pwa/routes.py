import json

from flask import abort, current_app, g, render_template, send_from_directory, url_for
from markupsafe import Markup

from app.core.i18n import LANGUAGES
from app.pwa import bp
from app.pwa.assets import SERVICE_WORKER_DIR, SHARED_MODULES, asset_version, static_shell_paths
from app.pwa.bundles import BUNDLES, bundle_for, bundle_paths, published_manifest
from app.pwa.manifest import web_manifest
from app.pwa.modules import module_graph
from app.pwa.page_strings import page_strings

# Pages a DSP needs with no signal (the form and the cue guides), cached and dropped at sign-out.
OFFLINE_PAGES = (
    "/report",
    "/guides",
    "/guides/dsp",
    "/guides/supervisor",
    "/guides/nurse",
    "/guides/scheduler",
)
# The report form in each language too: its one-tap switch opens the other with no signal.
OFFLINE_PAGES_BY_LANGUAGE = tuple(f"/report?lang={code}" for code in LANGUAGES)
# The manifest in each language, kept with the app shell: the page links the one in its language.
MANIFEST = "/manifest.webmanifest"
MANIFESTS_BY_LANGUAGE = {code: f"{MANIFEST}?lang={code}" for code in LANGUAGES}
# Shown for any other page while offline; fetched without cookies, so it holds nobody's data. One
# copy per language: the worker shows the one in the person's language.
OFFLINE_FALLBACK = "/offline"


@bp.get(MANIFEST)
def manifest():
    body = web_manifest(current_app.config["ORG_NAME"])
    return current_app.response_class(json.dumps(body), mimetype="application/manifest+json")


@bp.get("/sw.js")
def service_worker():
    """The worker, served from the root so its scope covers the app, stamped with the version."""
    source = (SERVICE_WORKER_DIR / "sw.js").read_text()
    config = {
        "version": asset_version(),
        "shell": static_shell_paths() + [f"/sw/{name}" for name in SHARED_MODULES] + bundle_paths(),
        "pages": list(OFFLINE_PAGES) + list(OFFLINE_PAGES_BY_LANGUAGE),
        "offline": OFFLINE_FALLBACK,
        "offlineByLanguage": {code: f"{OFFLINE_FALLBACK}?lang={code}" for code in LANGUAGES},
        "manifest": MANIFEST,
        "manifests": list(MANIFESTS_BY_LANGUAGE.values()),
    }
    source = source.replace("self.__NEARMISS_CONFIG__", json.dumps(config))
    response = current_app.response_class(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/sw/<name>")
def service_worker_module(name: str):
    if name not in SHARED_MODULES:
        abort(404)
    response = send_from_directory(SERVICE_WORKER_DIR, name, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/static/bundles/<path:name>")
def bundle_file(name: str):
    """A bundled script asked of the app rather than of nginx (which serves the published folder
    itself): from the bundles in use, so a page that names one never meets a 404 (nor the worker,
    which keeps them all for offline)."""
    folder = current_app.config.get("PUBLISHED_STATIC_DIR")
    if not folder or published_manifest() is None:
        abort(404)
    response = send_from_directory(f"{folder}/{BUNDLES}", name, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    return render_template("pwa/offline.html")


bp.add_app_template_global(page_strings)


@bp.app_template_global()
def module_script(filename: str) -> Markup:
    """`<script type="module">` for a page script under static/, after a modulepreload link for
    every module it imports (its whole graph, fetched in one round trip), each once per page."""
    bundle = bundle_for(filename)
    if bundle:
        entry = url_for("static", filename=bundle.file)
        graph = [url_for("static", filename=chunk) for chunk in bundle.imports]
    else:
        entry = url_for("static", filename=filename)
        graph = module_graph(entry)
    emitted = g.setdefault("preloaded_modules", set())
    links = [url for url in graph if url != entry and url not in emitted]
    emitted.update(links)
    tags = [Markup('<link rel="modulepreload" href="{}">').format(url) for url in links]
    tags.append(Markup('<script type="module" src="{}"></script>').format(entry))
    return Markup("\n").join(tags)
