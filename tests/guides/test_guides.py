"""Cue guides: one page in A4 and Letter, versions, publishing, refusals and hostile text."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

import app.guides.operations as guide_operations
from app.core.audit.models import AuditEvent
from app.core.roles import Role
from app.extensions import db
from app.guides.defaults import DEFAULT_GUIDES
from app.guides.models import CueGuideVersion, GuidePdf
from app.guides.operations import LIMITS, check_fields, check_one_page
from tests.factories import csrf_from_page, login


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.data))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def people(app, make):
    make.user("dsp@x.test")
    make.user("trainer@x.test", roles=[Role.TRAINER], regions=[])


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def maximal_guide() -> dict:
    def filled(word, size):
        return ((word + " ") * 200)[:size].strip()

    return {
        "title": filled("Title", LIMITS["title"]),
        "definition": filled("word", LIMITS["definition"]),
        "cues": [[filled("cue", LIMITS["cue"]), filled("example", LIMITS["example"])]] * LIMITS["cues"],
        "stop_the_line": [filled("stop", LIMITS["list_item"])] * LIMITS["list_items"],
        "safeguarding": [filled("safe", LIMITS["list_item"])] * LIMITS["list_items"],
        "how_to_report": filled("how", LIMITS["how_to_report"]),
        "contacts": [[filled("who", LIMITS["contact"]), filled("how", LIMITS["contact"])]]
        * LIMITS["contacts"],
    }


def as_form(content: dict, publish=True) -> dict:
    return {
        "title": content["title"],
        "definition": content["definition"],
        "cues": "\n".join(f"{c} | {e}" for c, e in content["cues"]),
        "stop_the_line": "\n".join(content["stop_the_line"]),
        "safeguarding": "\n".join(content["safeguarding"]),
        "how_to_report": content["how_to_report"],
        "contacts": "\n".join(f"{w} | {h}" for w, h in content["contacts"]),
        **({"publish": "on"} if publish else {}),
    }


@pytest.mark.parametrize("role", sorted(DEFAULT_GUIDES))
@pytest.mark.parametrize("size", ["a4", "letter"])
def test_each_default_guide_is_one_page(app, people, role, size):
    reader = pdf_of(as_user(app, "dsp@x.test").get(f"/guides/{role}.pdf?size={size}"))
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == ((595, 842) if size == "a4" else (612, 792))
    text = text_of(reader)
    for heading in ("CUES", "STOP THE LINE", "SAFEGUARDING", "HOW TO REPORT", "WHO TO CALL"):
        assert heading in text.upper()
    assert DEFAULT_GUIDES[role]["cues"][0][0].split()[0] in text


def test_a_maximal_valid_guide_is_saved_and_prints_on_one_page(app, people):
    trainer = as_user(app, "trainer@x.test")
    token = csrf_from_page(trainer, "/guides/nurse/edit")
    response = trainer.post("/guides/nurse/edit", data={"csrf_token": token, **as_form(maximal_guide())})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    for size in ("a4", "letter"):
        assert len(pdf_of(trainer.get(f"/guides/nurse.pdf?size={size}")).pages) == 1


def test_an_over_long_guide_is_refused_with_a_clear_message(app, people):
    trainer = as_user(app, "trainer@x.test")
    token = csrf_from_page(trainer, "/guides/dsp/edit")
    content = maximal_guide()
    content["cues"] = content["cues"] + [["One cue too many", "An example"]]
    content["definition"] += " and more"
    response = trainer.post("/guides/dsp/edit", data={"csrf_token": token, **as_form(content)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"Give between 1 and {LIMITS['cues']} cues." in html
    assert f"Write between 3 and {LIMITS['definition']} characters." in html


def test_the_page_check_refuses_what_would_not_fit(app, people, ctx):
    content = maximal_guide()
    content["cues"] = content["cues"] * 3  # past the field limits, to reach the page check itself
    with app.test_request_context():
        errors = check_one_page(content, "dsp")
    assert "would print as 2 pages on A4 and 2 pages on Letter" in errors["_page"][0]
    assert "never shrunk" in errors["_page"][0]


def test_defaults_pass_the_field_limits():
    for content in DEFAULT_GUIDES.values():
        assert check_fields(content) == {}


def published_at(app, role):
    with app.app_context():
        return db.session.scalar(select(CueGuideVersion.published_at).where(CueGuideVersion.role == role))


def test_versions_are_kept_and_only_the_published_one_prints(app, people, frozen_now):
    trainer = as_user(app, "trainer@x.test")
    token = csrf_from_page(trainer, "/guides/scheduler/edit")
    draft = dict(DEFAULT_GUIDES["scheduler"], title="Scheduler cues, draft two")
    assert (
        trainer.post(
            "/guides/scheduler/edit", data={"csrf_token": token, **as_form(draft, publish=False)}
        ).status_code
        == 302
    )
    printed = text_of(pdf_of(trainer.get("/guides/scheduler.pdf")))
    assert "draft two" not in printed and DEFAULT_GUIDES["scheduler"]["title"] in printed.replace("\n", " ")
    versions = trainer.get("/guides/scheduler/versions").get_data(as_text=True)
    assert "No saved versions" not in versions
    assert published_at(app, "scheduler") is None, "a draft was never published"
    trainer.post("/guides/scheduler/versions/1/publish", data={"csrf_token": token})
    assert timedelta(0) <= published_at(app, "scheduler") - frozen_now < timedelta(minutes=5)
    assert "draft two" in text_of(pdf_of(trainer.get("/guides/scheduler.pdf")))
    assert "draft two" in trainer.get("/guides/scheduler/versions/1").get_data(as_text=True)


def test_only_trainers_edit(app, people):
    dsp = as_user(app, "dsp@x.test")
    assert dsp.get("/guides/dsp").status_code == 200
    assert dsp.get("/guides/dsp/edit").status_code == 403
    assert dsp.get("/guides/nobody").status_code == 404
    assert dsp.get("/guides/dsp.pdf?size=tabloid").status_code == 400


def test_the_report_form_links_to_the_reporters_guide(app, people):
    html = as_user(app, "dsp@x.test").get("/report").get_data(as_text=True)
    assert 'href="/guides/dsp"' in html


HOSTILE = [
    '<link rel="attachment" href="file:///etc/passwd">',
    '<img src="http://169.254.169.254/latest/meta-data/">',
    '<img src="file:///dev/urandom">',
    '<div style="width: 99999999999px; font-size: 99999px">huge</div>',
]


def test_hostile_guide_text_is_printed_as_text_and_fetches_nothing(app, people):
    trainer = as_user(app, "trainer@x.test")
    token = csrf_from_page(trainer, "/guides/dsp/edit")
    content = dict(DEFAULT_GUIDES["dsp"])
    content["cues"] = [[h[: LIMITS["cue"]], h[: LIMITS["example"]]] for h in HOSTILE]
    assert trainer.post("/guides/dsp/edit", data={"csrf_token": token, **as_form(content)}).status_code == 302
    reader = pdf_of(trainer.get("/guides/dsp.pdf"))
    text = text_of(reader)
    assert "root:x:0:0" not in text and "file:///etc/passwd" in text.replace("\n", "")
    assert len(reader.pages) == 1
    assert not reader.attachments


# --- stored PDFs: a published guide is drawn once per paper size, then served as bytes ---------------


def stored_pdfs(app, role: str) -> dict[str, tuple[int | None, bytes]]:
    with app.app_context():
        rows = db.session.scalars(select(GuidePdf).where(GuidePdf.role == role)).all()
        return {row.size: (row.version, row.data) for row in rows}


@pytest.fixture
def no_drawing(monkeypatch):
    """Any attempt to draw a guide fails: what is downloaded must come from storage."""

    def refuse(documents, **kwargs):
        raise AssertionError("the guide was drawn again")

    monkeypatch.setattr(guide_operations, "render_largest_fitting", refuse)


def downloads(app) -> list[str]:
    with app.app_context():
        return [
            event.object_id
            for event in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "guide.download"))
        ]


def test_a_published_guide_is_stored_on_both_paper_sizes_and_served_as_those_bytes(app, people, request):
    trainer = as_user(app, "trainer@x.test")
    token = csrf_from_page(trainer, "/guides/nurse/edit")
    content = dict(DEFAULT_GUIDES["nurse"], title="Nurse cues, stored")
    assert (
        trainer.post("/guides/nurse/edit", data={"csrf_token": token, **as_form(content)}).status_code == 302
    )
    stored = stored_pdfs(app, "nurse")
    assert sorted(stored) == ["a4", "letter"] and {v for v, _ in stored.values()} == {1}
    request.getfixturevalue("no_drawing")
    dsp = as_user(app, "dsp@x.test")
    for size, (width, height) in (("a4", (595, 842)), ("letter", (612, 792))):
        response = dsp.get(f"/guides/nurse.pdf?size={size}")
        reader = pdf_of(response)
        assert response.data == stored[size][1]
        assert len(reader.pages) == 1
        assert (
            round(float(reader.pages[0].mediabox.width)),
            round(float(reader.pages[0].mediabox.height)),
        ) == (
            width,
            height,
        )
        assert "Nurse cues, stored" in text_of(reader) and "Version 1" in text_of(reader)
    assert downloads(app) == ["nurse", "nurse"]  # served from storage, still logged


def test_the_default_guide_is_drawn_once_then_served(app, people, request):
    dsp = as_user(app, "dsp@x.test")
    first = dsp.get("/guides/scheduler.pdf?size=a4")
    assert pdf_of(first) and stored_pdfs(app, "scheduler") == {"a4": (None, first.data)}
    request.getfixturevalue("no_drawing")
    assert dsp.get("/guides/scheduler.pdf?size=a4").data == first.data


def test_publishing_another_version_replaces_the_stored_pdfs(app, people):
    trainer = as_user(app, "trainer@x.test")
    token = csrf_from_page(trainer, "/guides/supervisor/edit")
    first = dict(DEFAULT_GUIDES["supervisor"], title="Supervisor cues, first")
    second = dict(DEFAULT_GUIDES["supervisor"], title="Supervisor cues, second")
    trainer.post("/guides/supervisor/edit", data={"csrf_token": token, **as_form(first)})
    trainer.post("/guides/supervisor/edit", data={"csrf_token": token, **as_form(second, publish=False)})
    # A draft changes nothing that prints.
    assert {v for v, _ in stored_pdfs(app, "supervisor").values()} == {1}
    assert "first" in text_of(pdf_of(trainer.get("/guides/supervisor.pdf?size=letter")))
    trainer.post("/guides/supervisor/versions/2/publish", data={"csrf_token": token})
    stored = stored_pdfs(app, "supervisor")
    assert sorted(stored) == ["a4", "letter"] and {v for v, _ in stored.values()} == {2}
    for size in ("a4", "letter"):
        printed = text_of(pdf_of(trainer.get(f"/guides/supervisor.pdf?size={size}")))
        assert "second" in printed and "first" not in printed
    # Publishing the old version again brings it back.
    trainer.post("/guides/supervisor/versions/1/publish", data={"csrf_token": token})
    assert "first" in text_of(pdf_of(trainer.get("/guides/supervisor.pdf?size=a4")))
    assert {v for v, _ in stored_pdfs(app, "supervisor").values()} == {1}


def test_a_stored_pdf_is_not_served_once_what_it_shows_has_changed(app, people):
    dsp = as_user(app, "dsp@x.test")
    before = dsp.get("/guides/dsp.pdf?size=letter")
    assert "Renamed Care Org" not in text_of(pdf_of(before))
    previous = app.config["ORG_NAME"]
    app.config["ORG_NAME"] = "Renamed Care Org"
    try:
        after = dsp.get("/guides/dsp.pdf?size=letter")
    finally:
        app.config["ORG_NAME"] = previous
    assert "Renamed Care Org" in text_of(pdf_of(after))
    assert stored_pdfs(app, "dsp") == {"letter": (None, after.data)}  # one row per role and size
