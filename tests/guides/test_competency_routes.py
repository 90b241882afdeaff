"""The pages of competency validation (issue 20 point 3): the guide page's "I have read this version",
the report form's prompt, the trainer's checks and the coverage page, and who may open which."""

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.roles import Role
from app.extensions import db
from app.guides.models import CompetencyCheck, GuideRead
from tests.factories import csrf_from_page, login


@pytest.fixture
def staff(app, make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("nurse@x.test", roles=[Role.NURSE], regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("trainer@x.test", roles=[Role.TRAINER], regions=[])
    make.user("manager@x.test", roles=[Role.MANAGER], regions=[])


def signed_in(app, email):
    client = app.test_client()
    login(client, email)
    return client


def user_id(app, email) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def test_the_guide_page_asks_its_own_staff_and_records_a_confirmation_without_scripts(app, staff):
    dsp = signed_in(app, "dsp@x.test")
    page = dsp.get("/guides/dsp").get_data(as_text=True)
    assert "I have read this version" in page and 'data-version="0"' in page
    assert "I have read this version" not in dsp.get("/guides/nurse").get_data(as_text=True)
    assert "Read your cue guide and confirm you have." in dsp.get("/report").get_data(as_text=True)
    token = csrf_from_page(dsp, "/guides/dsp")
    answer = dsp.post("/guides/dsp/read", data={"csrf_token": token, "version": "0"})
    assert answer.status_code == 302
    page = dsp.get("/guides/dsp").get_data(as_text=True)
    assert "You confirmed that you read this version" in page
    assert "I have read this version" not in page
    assert "Read your cue guide and confirm you have." not in dsp.get("/report").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(GuideRead.version)) == 0


def test_a_confirmation_for_a_version_that_does_not_exist_is_refused_and_a_post_needs_csrf(app, staff):
    dsp = signed_in(app, "dsp@x.test")
    token = csrf_from_page(dsp, "/guides/dsp")
    assert dsp.post("/guides/dsp/read", data={"csrf_token": token, "version": "4"}).status_code == 302
    assert dsp.post("/guides/dsp/read", data={"version": "0"}).status_code == 400
    assert dsp.post("/guides/astrology/read", data={"csrf_token": token, "version": "0"}).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(db.func.count(GuideRead.id))) == 0


def test_a_trainer_records_a_check_as_the_assessor(app, staff):
    trainer = signed_in(app, "trainer@x.test")
    listing = trainer.get("/competency").get_data(as_text=True)
    assert "Dsp-South" in listing and "Trainer" not in listing.split("<tbody>")[1]
    person = user_id(app, "dsp@x.test")
    token = csrf_from_page(trainer, f"/competency/people/{person}")
    form = {"csrf_token": token, "skill": "recognises_deterioration", "checked_on": "2026-06-01"}
    refused = trainer.post(f"/competency/people/{person}", data=form)
    assert refused.status_code == 422 and "Choose a result." in refused.get_data(as_text=True)
    saved = trainer.post(
        f"/competency/people/{person}", data={**form, "result": "competent", "note": "Saw it"}
    )
    assert saved.status_code == 302
    page = trainer.get(f"/competency/people/{person}").get_data(as_text=True)
    assert "Recognizes early deterioration and stops the line" in page and "Saw it" in page
    with app.app_context():
        check = db.session.scalar(select(CompetencyCheck))
        assert (check.user_id, check.assessor_id) == (person, user_id(app, "trainer@x.test"))


def test_checks_are_only_for_staff_and_recorded_only_by_trainers(app, staff):
    trainer = signed_in(app, "trainer@x.test")
    assert trainer.get(f"/competency/people/{user_id(app, 'manager@x.test')}").status_code == 404
    assert trainer.get("/competency/people/999999").status_code == 404
    person = user_id(app, "dsp@x.test")
    for email in ("manager@x.test", "sup@x.test", "dsp@x.test"):
        other = signed_in(app, email)
        assert other.get("/competency").status_code == 403
        assert other.get(f"/competency/people/{person}").status_code == 403


def test_coverage_for_trainers_and_managers_everywhere_and_supervisors_in_their_regions(app, staff):
    for email in ("trainer@x.test", "manager@x.test"):
        page = signed_in(app, email).get("/competency/coverage").get_data(as_text=True)
        assert "North" in page and "South" in page and "Every region." in page
    supervisor = signed_in(app, "sup@x.test").get("/competency/coverage")
    assert supervisor.status_code == 200
    assert "North" in supervisor.get_data(as_text=True) and "South" not in supervisor.get_data(as_text=True)
    for email in ("dsp@x.test", "nurse@x.test"):
        assert signed_in(app, email).get("/competency/coverage").status_code == 403


def test_coverage_counts_a_confirmation_and_reads_its_period(app, staff):
    dsp = signed_in(app, "dsp@x.test")
    dsp.post("/guides/dsp/read", data={"csrf_token": csrf_from_page(dsp, "/guides/dsp"), "version": "0"})
    trainer = signed_in(app, "trainer@x.test")
    page = trainer.get("/competency/coverage?from=2026-01-01&to=2026-03-31").get_data(as_text=True)
    assert "1 of 4 staff (25%) read the current version of their guide" in page
    assert "1 Jan 2026" in page and "31 Mar 2026" in page
    assert trainer.get("/competency/coverage?from=2026-04-01&to=2026-03-31").status_code == 400
    assert trainer.get("/competency/coverage?from=someday").status_code == 400


def test_a_trainer_is_told_they_cannot_check_themselves(app, make, staff):
    make.user("trainer-dsp@x.test", roles=[Role.TRAINER, Role.DSP], regions=["North"])
    trainer = signed_in(app, "trainer-dsp@x.test")
    own = user_id(app, "trainer-dsp@x.test")
    form = {
        "csrf_token": csrf_from_page(trainer, f"/competency/people/{own}"),
        "skill": "recognises_deterioration",
        "checked_on": "2026-06-01",
        "result": "competent",
    }
    refused = trainer.post(f"/competency/people/{own}", data=form)
    assert refused.status_code == 422
    assert "You cannot record a check of yourself" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(CompetencyCheck)) is None
