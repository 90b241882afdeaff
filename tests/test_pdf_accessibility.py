"""The PDFs people download (cue guides, the oversight pack) are tagged PDF/UA: a structure tree whose
headings come in the order the document reads, the document's language, marked content, the title shown.
Read back from the files themselves with pypdf."""

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.auth.models import User
from app.core.dates import monday
from app.core.roles import Role
from app.dashboard.queries import Scope
from app.extensions import db
from app.packs.rendering import pack_html, render_pack_pdf
from tests.factories import login

HEADING = re.compile(r"<h([1-6])\b")


def structure(node, found=None) -> list[str]:
    """The structure types of a tagged PDF's tree, depth first (the reading order)."""
    found = [] if found is None else found
    node = node.get_object()
    if "/S" in node:
        found.append(str(node["/S"]))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "get"):
            structure(kid, found)
    return found


def figure_alternatives(node, found=None) -> list[str]:
    """The alternative text of every /Figure of a tagged PDF's tree, in reading order."""
    found = [] if found is None else found
    node = node.get_object()
    if node.get("/S") == "/Figure":
        found.append(str(node.get("/Alt", "")))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "get"):
            figure_alternatives(kid, found)
    return found


def check_tagged(data: bytes, html: str, title: str, language: str = "en") -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert root.get("/Lang") == language
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == title
    tree = structure(root["/StructTreeRoot"])
    assert tree[0] == "/Document"
    headings = [name for name in tree if re.fullmatch(r"/H[1-6]", name)]
    assert headings == [f"/H{level}" for level in HEADING.findall(html)], "headings read in the page's order"
    for page in reader.pages:
        assert "/StructParents" in page, "every page's content belongs to the structure tree"
    return tree


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_cue_guide_is_a_tagged_pdf(app, make, language):
    make.user("dsp@x.test", regions=["North"])
    client = as_user(app, "dsp@x.test")
    response = client.get(f"/guides/dsp.pdf?size=letter&lang={language}")
    assert response.status_code == 200
    with app.test_request_context():
        from app.guides.defaults import DEFAULT_GUIDES_BY_LANGUAGE
        from app.guides.operations import guide_document

        content = DEFAULT_GUIDES_BY_LANGUAGE[language]["dsp"]
        html = guide_document(content, "dsp", "letter", None, language=language)
    tree = check_tagged(response.data, html, content["title"], language)
    assert {"/Table", "/TH", "/L", "/LI"} <= set(tree), "the cue table and the lists keep their structure"


@pytest.mark.parametrize(
    ("language", "title_start"),
    [("en", "Oversight evidence pack"), ("es", "Paquete de evidencia para supervisión")],
)
def test_the_oversight_pack_is_a_tagged_pdf(app, make, language, title_start):
    make.user("dsp@x.test", regions=["North"])
    make.user("manager@x.test", roles=[Role.MANAGER], regions=[])
    make.report("dsp@x.test")
    last_week = monday(date(2026, 6, 1))
    scope = Scope(last_week - timedelta(weeks=7), last_week, None)
    with app.test_request_context(f"/packs/oversight.pdf?lang={language}"):
        manager = db.session.scalar(select(User).where(User.email == "manager@x.test"))
        html = pack_html(scope, manager, "All regions")
        data = render_pack_pdf(scope, manager, "All regions").data
    title = re.search(r"<title>(.*?)</title>", html).group(1).replace("&amp;", "&")
    tree = check_tagged(data, html, title, language)
    assert title.startswith(title_start)
    assert {"/Table", "/TH", "/Figure"} <= set(tree), "tables keep their headers; charts are figures"
    # every chart is read out by its title and its description (what the bars or points show)
    alternatives = figure_alternatives(PdfReader(io.BytesIO(data)).trailer["/Root"]["/StructTreeRoot"])
    assert alternatives and all(". " in alt and len(alt) > 40 for alt in alternatives), alternatives
