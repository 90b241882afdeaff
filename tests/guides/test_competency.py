"""Competency validation (issue 20 point 3), without HTTP: guide-read confirmations (replays, stale
versions, a new version asking again), competency checks and coverage by role, region and team."""

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.core.audit.models import AuditEvent
from app.core.roles import Role
from app.extensions import db
from app.guides.competency import CheckInvalid, record_check
from app.guides.coverage import coverage, coverage_regions, sees_coverage
from app.guides.defaults import DEFAULT_GUIDES
from app.guides.models import CompetencyCheck, CueGuideVersion, GuideRead
from app.guides.reads import (
    GuideReadConflict,
    GuideReadInvalid,
    current_versions,
    guide_role_of,
    guide_to_confirm,
    record_guide_read,
)

NOW = datetime(2026, 6, 17, 18, 0, tzinfo=UTC)
TODAY = date(2026, 6, 17)


@pytest.fixture
def staff(app, make):
    make.user("dsp-north@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("nurse-north@x.test", roles=[Role.NURSE], regions=["North"])
    make.user("sup-north@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("trainer@x.test", roles=[Role.TRAINER], regions=[])
    make.user("manager@x.test", roles=[Role.MANAGER], regions=[])


def person(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def publish(role: str, number: int, language: str = "en") -> None:
    db.session.execute(
        update(CueGuideVersion)
        .where(CueGuideVersion.role == role, CueGuideVersion.language == language)
        .values(published=False)
    )
    db.session.add(
        CueGuideVersion(
            role=role, language=language, version=number, content=DEFAULT_GUIDES[role], published=True
        )
    )
    db.session.flush()


def confirm(user, role="dsp", version=0, language="en", client_uuid=None, **extra):
    body = {
        "client_uuid": client_uuid or str(uuid.uuid4()),
        "role": role,
        "language": language,
        "version": version,
        **extra,
    }
    return record_guide_read(user, body, now=NOW)


def test_a_confirmation_is_stored_audited_and_answered_again_on_replay(staff, ctx):
    dsp = person("dsp-north@x.test")
    read, created = confirm(dsp, client_uuid="6f1c0f7e-51d2-4f59-9a51-3c8f41f3a001")
    assert created and (read.role, read.language, read.version, read.read_at) == ("dsp", "en", 0, NOW)
    again, created_again = confirm(dsp, client_uuid="6f1c0f7e-51d2-4f59-9a51-3c8f41f3a001")
    assert (again.id, created_again) == (read.id, False)
    assert db.session.scalar(select(db.func.count(GuideRead.id))) == 1
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "guide.read")).all()
    assert [e.object_id for e in events] == ["dsp:en:0"]


def test_a_uuid_used_for_another_guide_or_by_another_person_is_a_conflict(staff, ctx):
    dsp = person("dsp-north@x.test")
    confirm(dsp, client_uuid="6f1c0f7e-51d2-4f59-9a51-3c8f41f3a002")
    with pytest.raises(GuideReadConflict):
        confirm(dsp, role="nurse", client_uuid="6f1c0f7e-51d2-4f59-9a51-3c8f41f3a002")
    with pytest.raises(GuideReadConflict):
        confirm(person("dsp-south@x.test"), client_uuid="6f1c0f7e-51d2-4f59-9a51-3c8f41f3a002")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "manager"}, "role"),
        ({"language": "fr"}, "language"),
        ({"version": 7}, "version"),
        ({"version": -1}, "version"),
        ({"version": True}, "version"),
        ({"version": "1"}, "version"),
        ({"client_uuid": "not-a-uuid"}, "client_uuid"),
        ({"read_at": "2026-06-17T18:00:00"}, "read_at"),
        ({"read_at": (NOW + timedelta(hours=2)).isoformat()}, "read_at"),
        ({"read_at": "yesterday"}, "read_at"),
        ({"read_at": "0001-01-01T00:00:00+14:00"}, "read_at"),
        ({"read_at": (NOW - timedelta(days=400)).isoformat()}, "read_at"),
    ],
)
def test_a_confirmation_with_a_wrong_field_is_refused_by_field(staff, ctx, body, field):
    with pytest.raises(GuideReadInvalid) as refused:
        confirm(person("dsp-north@x.test"), **body)
    assert field in refused.value.errors


def test_a_new_version_asks_again_and_an_old_confirmation_stays_against_its_version(staff, ctx):
    dsp = person("dsp-north@x.test")
    assert guide_to_confirm(dsp, "en") == {"role": "dsp", "language": "en", "version": 0}
    confirm(dsp, version=0, read_at="2026-06-17T09:00:00-04:00")
    assert guide_to_confirm(dsp, "en") is None
    publish("dsp", 1)
    assert current_versions()[("dsp", "en")] == 1
    assert guide_to_confirm(dsp, "en") == {"role": "dsp", "language": "en", "version": 1}
    read, _created = confirm(dsp, version=0)  # the old page still on the phone: kept, not current
    assert read.version == 0
    assert guide_to_confirm(dsp, "en") is not None
    confirm(dsp, version=1)
    assert guide_to_confirm(dsp, "en") is None


def test_a_new_english_version_asks_again_until_its_translation_is_published(staff, ctx):
    dsp = person("dsp-north@x.test")
    confirm(dsp, version=0, language="es")
    assert guide_to_confirm(dsp, "es") is None, "the Spanish default is current while English prints its own"
    publish("dsp", 2, "en")  # Spanish still prints its default: it is behind
    assert guide_to_confirm(dsp, "es") == {"role": "dsp", "language": "en", "version": 2}
    confirm(dsp, version=0, language="es")  # the old Spanish page again: kept, not current
    assert guide_to_confirm(dsp, "es") is not None
    publish("dsp", 1, "es")  # the translation catches up
    assert guide_to_confirm(dsp, "es") == {"role": "dsp", "language": "es", "version": 1}
    confirm(dsp, version=1, language="es")
    assert guide_to_confirm(dsp, "es") is None


def test_a_draft_cannot_be_confirmed(staff, ctx):
    publish("dsp", 1)
    db.session.add(CueGuideVersion(role="dsp", language="en", version=2, content=DEFAULT_GUIDES["dsp"]))
    db.session.flush()
    with pytest.raises(GuideReadInvalid) as refused:
        confirm(person("dsp-north@x.test"), version=2)
    assert "version" in refused.value.errors
    assert confirm(person("dsp-north@x.test"), version=1)[1], "the printed version can"


def test_whose_guide_is_whose(staff, ctx):
    assert guide_role_of(person("sup-north@x.test")) == "supervisor"
    assert guide_role_of(person("nurse-north@x.test")) == "nurse"
    assert guide_role_of(person("trainer@x.test")) is None
    assert guide_to_confirm(person("trainer@x.test"), "en") is None


def test_a_check_is_recorded_by_the_trainer_and_audited(staff, ctx):
    trainer, dsp = person("trainer@x.test"), person("dsp-north@x.test")
    check = record_check(
        dsp,
        skill="recognises_deterioration",
        checked_on=TODAY,
        result="competent",
        note="Watched a skin check on a home visit",
        assessor=trainer,
        today=TODAY,
        now=NOW,
    )
    assert (check.user_id, check.assessor_id, check.result) == (dsp.id, trainer.id, "competent")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "competency.check"))
    assert json.loads(event.after)["skill"] == "recognises_deterioration"
    assert "note" not in json.loads(event.after)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"skill": "juggling"}, "skill"),
        ({"result": "maybe"}, "result"),
        ({"checked_on": None}, "checked_on"),
        ({"checked_on": TODAY + timedelta(days=1)}, "checked_on"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_a_check_with_a_wrong_field_is_refused(staff, ctx, fields, field):
    values = {
        "skill": "handover_gaps",
        "checked_on": TODAY,
        "result": "not_yet",
        "note": "",
        **fields,
    }
    with pytest.raises(CheckInvalid) as refused:
        record_check(
            person("dsp-north@x.test"), assessor=person("trainer@x.test"), today=TODAY, now=NOW, **values
        )
    assert field in refused.value.errors


def _check(email, day, result="competent"):
    record_check(
        person(email),
        skill="handover_gaps",
        checked_on=day,
        result=result,
        note="",
        assessor=person("trainer@x.test"),
        today=TODAY,
        now=NOW,
    )


def test_coverage_counts_by_role_region_and_team(staff, ctx):
    publish("dsp", 1)
    confirm(person("dsp-north@x.test"), version=1)
    confirm(person("dsp-south@x.test"), version=0)  # read before version 1: asked again
    confirm(person("nurse-north@x.test"), role="nurse", version=0)
    _check("dsp-north@x.test", date(2026, 6, 1))
    _check("dsp-north@x.test", date(2026, 6, 2), "not_yet")
    _check("dsp-south@x.test", date(2026, 6, 3), "not_yet")
    _check("nurse-north@x.test", date(2026, 4, 1))  # before the period

    result = coverage(None, date(2026, 5, 18), TODAY)

    by_role = {row.role: row for row in result.by_role}
    assert (by_role["dsp"].staff, by_role["dsp"].confirmed, by_role["dsp"].checked) == (2, 1, 2)
    # dsp-north's later "not yet" on the same skill undoes the earlier "competent".
    assert (by_role["dsp"].competent, by_role["dsp"].checks, by_role["dsp"].confirmed_share) == (0, 3, 50.0)
    assert (by_role["nurse"].staff, by_role["nurse"].confirmed, by_role["nurse"].checks) == (1, 1, 0)
    assert by_role["scheduler"].staff == 0 and by_role["scheduler"].confirmed_share is None
    by_region = {row.region: row for row in result.by_region}
    assert (by_region["North"].staff, by_region["North"].confirmed, by_region["North"].checked) == (3, 2, 1)
    assert (by_region["South"].staff, by_region["South"].confirmed) == (1, 0)
    teams = {(row.role, row.region): row.staff for row in result.by_team}
    assert teams == {
        ("dsp", "North"): 1,
        ("nurse", "North"): 1,
        ("supervisor", "North"): 1,
        ("dsp", "South"): 1,
    }
    assert (result.total.staff, result.total.confirmed, result.total.checks) == (4, 2, 3)


def test_who_sees_coverage_of_which_regions(staff, ctx):
    assert coverage_regions(person("trainer@x.test")) is None
    assert coverage_regions(person("manager@x.test")) is None
    supervisor = person("sup-north@x.test")
    assert sees_coverage(supervisor) and coverage_regions(supervisor) == supervisor.region_ids
    assert not sees_coverage(person("dsp-north@x.test"))
    north_only = coverage(coverage_regions(supervisor), date(2026, 5, 18), TODAY)
    assert [row.region for row in north_only.by_region] == ["North"]
    assert north_only.total.staff == 3


def test_the_latest_check_of_each_skill_decides_who_was_found_competent(staff, ctx):
    _check("dsp-north@x.test", date(2026, 6, 1), "not_yet")
    _check("dsp-north@x.test", date(2026, 6, 8))  # checked again a week later: competent now
    _check("dsp-south@x.test", date(2026, 6, 1))
    _check("dsp-south@x.test", date(2026, 6, 8), "not_yet")
    by_role = {row.role: row for row in coverage(None, date(2026, 5, 18), TODAY).by_role}
    assert (by_role["dsp"].checked, by_role["dsp"].competent) == (2, 1)


def test_someone_with_two_roles_counts_against_the_guide_they_are_asked_to_read(make, staff, ctx):
    make.user("sup-dsp@x.test", roles=[Role.SUPERVISOR, Role.DSP], regions=["North"])
    both = person("sup-dsp@x.test")
    assert guide_to_confirm(both, "en")["role"] == "supervisor"
    confirm(both, role="supervisor", version=0)
    result = coverage(None, date(2026, 5, 18), TODAY)
    by_role = {row.role: row for row in result.by_role}
    assert (by_role["dsp"].staff, by_role["dsp"].confirmed) == (3, 1), "read their own guide: counted as read"
    assert (by_role["supervisor"].staff, by_role["supervisor"].confirmed) == (2, 1)


def test_a_trainer_cannot_record_a_check_of_themselves(make, staff, ctx):
    make.user("trainer-dsp@x.test", roles=[Role.TRAINER, Role.DSP], regions=["North"])
    trainer = person("trainer-dsp@x.test")
    fields = {"skill": "handover_gaps", "checked_on": TODAY, "result": "competent", "note": ""}
    with pytest.raises(CheckInvalid) as refused:
        record_check(trainer, **fields, assessor=trainer, today=TODAY, now=NOW)
    assert refused.value.errors["person"] == [
        "You cannot record a check of yourself: another trainer checks your own competency."
    ]
    assert record_check(trainer, **fields, assessor=person("trainer@x.test"), today=TODAY, now=NOW).id


def test_only_the_guide_of_a_role_the_person_holds_can_be_confirmed(make, staff, ctx):
    make.user("sup-dsp@x.test", roles=[Role.SUPERVISOR, Role.DSP], regions=["North"])
    make.user("ops@x.test", roles=[Role.OPERATIONS_LEAD], regions=["North"])
    with pytest.raises(GuideReadInvalid) as refused:
        confirm(person("dsp-north@x.test"), role="nurse")
    assert refused.value.errors == {"role": ["This is not the guide of a role you hold."]}
    with pytest.raises(GuideReadInvalid):
        confirm(person("trainer@x.test"), role="dsp")
    both = person("sup-dsp@x.test")
    assert confirm(both, role="dsp")[1] and confirm(both, role="supervisor")[1], "either of two roles"
    assert confirm(person("ops@x.test"), role="scheduler")[1], (
        "an operations lead reads the scheduler's guide"
    )


def test_a_persons_check_history_does_not_go_with_their_account(staff, ctx):
    dsp = person("dsp-north@x.test")
    fields = {"skill": "handover_gaps", "checked_on": TODAY, "result": "competent", "note": ""}
    record_check(dsp, **fields, assessor=person("trainer@x.test"), today=TODAY, now=NOW)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(delete(User).where(User.id == dsp.id))
    assert db.session.scalar(select(db.func.count(CompetencyCheck.id))) == 1


def test_a_persons_guide_confirmations_do_not_go_with_their_account(staff, ctx):
    dsp = person("dsp-north@x.test")
    assert confirm(dsp, role="dsp")[1]
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(delete(User).where(User.id == dsp.id))
    assert db.session.scalar(select(db.func.count(GuideRead.id))) == 1
