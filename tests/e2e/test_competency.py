"""Competency validation in the browser (issue 20 point 3): a DSP confirms the new version of the cue
guide with no signal, the confirmation waits in the outbox, is sent once the phone is back online, and
the trainer's coverage page counts it; the trainer records a check; the pack shows the coverage."""

import io
import shutil
import subprocess
import uuid
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from app.auth.models import User
from app.core.clock import org_today
from app.core.dates import monday
from app.core.models import now_utc
from app.core.roles import Role
from app.dashboard.queries import Scope
from app.extensions import db
from app.guides.competency import record_check
from app.guides.defaults import DEFAULT_GUIDES
from app.guides.models import CompetencyCheck, CueGuideVersion, GuideRead
from app.guides.reads import record_guide_read
from app.packs.rendering import pack_html
from tests.e2e.conftest import sign_in
from tests.e2e.journeys import expect_badge, outbox_states, wait_for_service_worker, wait_until
from tests.factories import PASSWORD

DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def _organisation(app, make):
    """A DSP who read version 1 of the DSP guide before version 2 was published, five colleagues who
    read version 2 already and were checked today (one not yet competent), a trainer and a manager."""
    make.user("dsp@x.test", regions=["North"])
    for n in range(5):
        make.user(f"colleague{n}@x.test", regions=["North"])
    make.user("trainer@x.test", roles=[Role.TRAINER], regions=[])
    make.user("manager@x.test", roles=[Role.MANAGER], regions=[])
    with app.app_context():
        people = {u.email: u for u in db.session.scalars(select(User))}
        content = {**DEFAULT_GUIDES["dsp"], "title": "Near-miss cues for DSPs, spring update"}
        first = CueGuideVersion(
            role="dsp",
            language="en",
            version=1,
            content=DEFAULT_GUIDES["dsp"],
            published=True,
            published_at=now_utc() - timedelta(minutes=5),
        )
        db.session.add(first)
        db.session.flush()

        def read(email, version):
            body = {"client_uuid": str(uuid.uuid4()), "role": "dsp", "language": "en", "version": version}
            record_guide_read(people[email], body, now=now_utc())

        read("dsp@x.test", 1)
        first.published = False
        db.session.add(
            CueGuideVersion(
                role="dsp", language="en", version=2, content=content, published=True, published_at=now_utc()
            )
        )
        db.session.flush()
        for n in range(5):
            read(f"colleague{n}@x.test", 2)
            record_check(
                people[f"colleague{n}@x.test"],
                skill="reports_in_a_minute",
                checked_on=org_today(),
                result="competent" if n else "not_yet",
                note="",
                assessor=people["trainer@x.test"],
                today=org_today(),
                now=now_utc(),
            )
        db.session.commit()


def _confirmations(app, version):
    with app.app_context():
        return db.session.scalar(
            select(db.func.count(GuideRead.id)).where(GuideRead.version == version, GuideRead.role == "dsp")
        )


def test_an_offline_confirmation_reaches_the_trainers_coverage_and_the_pack(
    app, make, live_server, phone, browser, artifacts
):
    _organisation(app, make)
    sign_in(phone, live_server, "dsp@x.test", PASSWORD)
    wait_for_service_worker(phone)
    phone.goto(f"{live_server}/report")
    assert "Your cue guide has a new version (2): read it and confirm." in phone.inner_text("main")

    phone.goto(f"{live_server}/guides/dsp")
    assert "spring update" in phone.inner_text("h1")
    wait_until(phone, "caches.match('/guides/dsp').then((hit) => Boolean(hit))")
    phone.context.set_offline(True)
    phone.reload()
    button = phone.get_by_role("button", name="I have read this version")
    button.click()
    status = phone.locator("[data-guide-read-status]")
    status.wait_for(state="visible")
    assert status.inner_text() == "Confirmed on this phone. It is sent as soon as there is signal."
    assert outbox_states(phone) == ["waiting"]
    expect_badge(phone, "1 waiting")
    assert _confirmations(app, 2) == 5, "nothing reached the server while offline"
    status.scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "guide-read-offline-phone.png"))
    phone.goto(f"{live_server}/report")  # still offline: the kept form, drawn before the confirmation
    wait_until(phone, "document.querySelector('[data-guide-prompt]').hidden === true")
    phone.goto(f"{live_server}/guides/dsp")  # the kept guide shows the confirmation waiting
    wait_until(phone, "document.querySelector('[data-guide-read-status]').classList.contains('waiting')")

    phone.context.set_offline(False)
    # The badge may be hidden a moment before the send ends: wait for the page to say it was recorded.
    wait_until(
        phone, "document.querySelector('[data-guide-read-status]').classList.contains('sent')", timeout=30
    )
    assert outbox_states(phone) == ["sent"]
    wait_until(phone, "document.querySelector('[data-guide-read-status]').classList.contains('sent')")
    assert _confirmations(app, 2) == 6
    phone.goto(f"{live_server}/report")
    assert "new version" not in phone.inner_text("main")

    desk = browser.new_context(**DESKTOP).new_page()
    sign_in(desk, live_server, "trainer@x.test", PASSWORD)
    desk.goto(f"{live_server}/competency")
    desk.get_by_role("link", name="Dsp", exact=True).click()
    desk.select_option("#skill", "recognises_deterioration")
    desk.get_by_label("Competent", exact=True).check()
    desk.get_by_role("button", name="Record the check").click()
    assert "Check recorded." in desk.inner_text("main")
    desk.goto(f"{live_server}/competency/coverage")
    total = desk.inner_text("[data-coverage-total]")
    assert total.startswith("6 of 6 staff (100%) read the current version of their guide. Checked from ")
    assert total.endswith(": 6.")
    desk.screenshot(path=str(artifacts / "competency-coverage.png"), full_page=True)
    with app.app_context():
        dsp_checks = select(CompetencyCheck.result).join(User, User.id == CompetencyCheck.user_id)
        assert db.session.scalars(dsp_checks.where(User.email == "dsp@x.test")).all() == ["competent"]

    desk.context.close()
    desk = browser.new_context(**DESKTOP).new_page()
    sign_in(desk, live_server, "manager@x.test", PASSWORD)
    pdf = desk.context.request.get(f"{live_server}/packs/oversight.pdf")
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.body())).pages]
    [number] = [n for n, words in enumerate(pages, 1) if "Cue guides read and competency checks" in words]
    assert "All staff 6 6 (100%) 6 (100%) 5 6" in pages[number - 1]
    if shutil.which("pdftoppm"):  # the pack's page as printed (poppler-utils; ./dev.sh test installs it)
        (artifacts / "pack.pdf").write_bytes(pdf.body())
        pages_wanted = ["-f", str(number), "-l", str(number)]
        drawn = [str(artifacts / "pack.pdf"), str(artifacts / "pack-coverage-pdf")]
        subprocess.run(
            ["pdftoppm", "-r", "80", "-png", "-singlefile", *pages_wanted, *drawn], check=True, timeout=60
        )
        assert (artifacts / "pack-coverage-pdf.png").stat().st_size > 10_000
    with app.test_request_context():
        manager = db.session.scalar(select(User).where(User.email == "manager@x.test"))
        today = org_today()
        html = pack_html(
            Scope(monday(today) - timedelta(weeks=3), monday(today), None), manager, "All regions"
        )
    desk.set_content(html)
    heading = desk.get_by_role("heading", name="Cue guides read and competency checks")
    heading.scroll_into_view_if_needed()
    desk.locator("table.coverage").screenshot(path=str(artifacts / "pack-coverage.png"))
    heading.evaluate("(h) => h.parentElement.scrollIntoView()")
    desk.screenshot(path=str(artifacts / "pack-coverage-page.png"))
    desk.context.close()
