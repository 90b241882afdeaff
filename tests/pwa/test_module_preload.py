"""Pages ask for their scripts' whole import graph at once (modulepreload), read from the imports."""

import json
import re

import pytest

from app.pwa.assets import SHARED_MODULES, STATIC_DIR
from app.pwa.modules import UnknownModule, imports_of, module_file, module_graph
from tests.factories import login

PRELOAD = re.compile(r'<link rel="modulepreload" href="([^"]+)">')
MODULE_SCRIPT = re.compile(r'<script type="module" src="([^"]+)"></script>')


def test_static_imports_are_read_and_resolved_against_the_importer():
    source = """
import { a } from './a.js';
import {
  b, c,
} from '/sw/outbox.js';
export { d } from "../lib/d.js";
import './side-effect.js';
// import { no } from './comment.js';
const later = () => import('./lazy.js');
  const text = "import x from './in-a-string.js'";
"""
    assert imports_of("/static/js/page.js", source) == [
        "/static/js/a.js",
        "/sw/outbox.js",
        "/static/lib/d.js",
        "/static/js/side-effect.js",
    ]


def test_a_bare_module_name_is_refused():
    with pytest.raises(UnknownModule):
        imports_of("/static/js/page.js", "import x from 'lodash';")


def test_every_import_of_every_script_is_a_module_the_app_serves():
    scripts = [f"/static/{p.relative_to(STATIC_DIR).as_posix()}" for p in STATIC_DIR.rglob("*.js")]
    scripts += [f"/sw/{name}" for name in SHARED_MODULES]
    for url in scripts:
        for imported in imports_of(url, module_file(url).read_text()):
            assert module_file(imported).is_file(), f"{url} imports {imported}"


def test_the_report_forms_graph_is_every_module_it_imports_dependencies_first():
    graph = module_graph("/static/js/report-form.js")
    assert graph[-1] == "/static/js/report-form.js"
    for needed in ("/sw/outbox-db.js", "/sw/outbox.js", "/sw/sync.js", "/static/js/outbox-panel.js"):
        assert needed in graph
    assert "/static/js/category-suggestion.js" not in graph  # loaded on demand, not to start
    assert len(graph) == len(set(graph))
    assert graph.index("/sw/outbox-db.js") < graph.index("/sw/outbox.js") < graph.index("/sw/sync.js")


def test_every_module_of_every_graph_is_precached_by_the_service_worker(client):
    worker = client.get("/sw.js").get_data(as_text=True)
    shell = set(json.loads(re.search(r"const CONFIG = (\{.*?\});\n", worker).group(1))["shell"])
    for entry in ("app.js", "report-form.js", "triage-form.js", "passkeys.js", "push-alerts.js"):
        for url in module_graph(f"/static/js/{entry}"):
            assert url in shell, url
            assert client.get(url).status_code == 200, url


def test_the_report_form_preloads_its_whole_graph_once_before_its_scripts(client, make):
    make.user("dsp@x.test")
    login(client, "dsp@x.test")
    page = client.get("/report").get_data(as_text=True)
    preloads = PRELOAD.findall(page)
    scripts = MODULE_SCRIPT.findall(page)
    assert scripts == ["/static/js/app.js", "/static/js/report-form.js"]
    assert len(preloads) == len(set(preloads))
    needed = set(module_graph("/static/js/app.js")) | set(module_graph("/static/js/report-form.js"))
    assert set(preloads) == needed - set(scripts)
    head = page.split("</head>", 1)[0]
    assert all(f'href="{url}"' in head for url in preloads)
