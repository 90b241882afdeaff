"""The person in the middle (issue 20, point 2): one person's history for the roles that plan support,
within their regions, audited at every opening; a pseudonym in the address and everywhere else; an
administrator corrects or merges references."""

import json

import pytest
from sqlalchemy import select

from app.core.audit.models import AuditEvent
from app.core.pseudonyms import PSEUDONYM, pseudonym
from app.core.roles import Role
from app.extensions import db
from app.reports.models import Report
from tests.factories import csrf_from_page, login


@pytest.fixture
def org(make):
    make.region("South")
    make.user("dsp@x.test", regions=["North", "South"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("south@x.test", roles=[Role.SUPERVISOR], regions=["South"])
    make.user("nurse@x.test", roles=[Role.NURSE], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    make.user("trainer@x.test", roles=[Role.TRAINER], regions=["North"])
    make.user("admin@x.test", roles=[Role.ADMIN], regions=[])
    north = [make.report("dsp@x.test", person_ref="J S"), make.report("dsp@x.test", person_ref="js")]
    south = make.report("dsp@x.test", region="South", person_ref="JS")
    other = make.report("dsp@x.test", person_ref="K L")
    return {"north": north, "south": south, "other": other}


def person_of(app, ref):
    with app.test_request_context():
        return pseudonym(ref)


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_pseudonym_reads_the_same_however_the_reference_was_typed(app):
    with app.test_request_context():
        assert pseudonym("J S") == pseudonym("js") == pseudonym(" j  s ")
        assert pseudonym("J S") != pseudonym("K L") and pseudonym(None) == ""
        assert PSEUDONYM.match(pseudonym("J S")), "P- and ten hex digits"


def test_the_supervisor_sees_the_persons_reports_of_their_regions_on_one_timeline(app, client, org):
    login(client, "sup@x.test")
    person = person_of(app, "J S")
    page = client.get(f"/people/{person}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for report_id in org["north"]:
        assert f"NM-{report_id}<" in html
    assert f"NM-{org['south']}<" not in html, "another region's report stays out of the view"
    assert f"NM-{org['other']}<" not in html


def test_every_opening_is_audited_by_pseudonym_never_the_reference(app, client, org):
    login(client, "nurse@x.test")
    person = person_of(app, "J S")
    client.get(f"/people/{person}")
    client.get(f"/people/{person}")
    with app.app_context():
        opened = events("person.view")
        assert [event.object_id for event in opened] == [person, person]
        assert sorted(json.loads(opened[0].after)["report_ids"]) == sorted(org["north"])
        assert all("J S" not in (event.after or "") for event in opened)


def test_the_quality_lead_sees_every_region(app, client, org):
    login(client, "quality@x.test")
    html = client.get(f"/people/{person_of(app, 'JS')}").get_data(as_text=True)
    assert all(f"NM-{report_id}<" in html for report_id in [*org["north"], org["south"]])


@pytest.mark.parametrize("who", ["trainer@x.test", "dsp@x.test"])
def test_roles_that_do_not_plan_support_are_refused(app, client, org, who):
    login(client, who)
    assert client.get(f"/people/{person_of(app, 'J S')}").status_code == 403


def test_a_person_without_a_readable_report_and_a_malformed_address_are_not_found(app, client, org):
    login(client, "south@x.test")
    assert client.get(f"/people/{person_of(app, 'K L')}").status_code == 404, "K L is only in North"
    assert client.get("/people/J%20S").status_code == 404
    assert client.get("/people/P-ZZZZZZ").status_code == 404


def test_the_report_page_shows_the_pseudonym_and_links_to_the_person_view(app, client, org):
    login(client, "sup@x.test")
    html = client.get(f"/reports/{org['north'][0]}").get_data(as_text=True)
    person = person_of(app, "J S")
    assert f'href="/people/{person}"' in html and ">J S<" not in html


def test_an_administrator_merges_two_references_audited_by_pseudonym(app, client, org):
    login(client, "admin@x.test")
    token = csrf_from_page(client, "/admin/people")
    answer = client.post("/admin/people", data={"old": "K L", "new": "js", "csrf_token": token})
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.get(Report, org["other"]).person_ref == "js"
        [merge] = events("person.merge")
        assert json.loads(merge.before) == {"pseudonym": person_of(app, "K L")}
        after = json.loads(merge.after)
        assert after["reports"] == 1 and after["report_ids"] == [org["other"]] and "K L" not in merge.after


def test_a_correction_with_an_unknown_or_empty_reference_is_refused(app, client, org):
    login(client, "admin@x.test")
    token = csrf_from_page(client, "/admin/people")
    refused = client.post("/admin/people", data={"old": "Z Z", "new": "", "csrf_token": token})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Choose a reference that is in use." in html and "Type the corrected reference" in html


def test_only_administrators_correct_references(client, org):
    login(client, "quality@x.test")
    assert client.get("/admin/people").status_code == 403


def test_a_correction_moves_the_persons_clusters_once_no_other_spelling_names_them(app, client, org):
    from datetime import date

    from app.dashboard.models import Cluster

    with app.app_context():
        db.session.add(
            Cluster(
                method="local_rule",
                week_start=date(2026, 11, 2),
                cell_key="p:kl",
                person_ref="kl",
                observed=3,
            )
        )
        db.session.commit()
    login(client, "admin@x.test")
    token = csrf_from_page(client, "/admin/people")
    client.post("/admin/people", data={"old": "K L", "new": "K M", "csrf_token": token})
    with app.app_context():
        assert db.session.scalars(select(Cluster.person_ref)).all() == ["km"]


def test_the_timeline_names_a_reviews_status_in_the_readers_language(app, client, org):
    from app.auth.models import User
    from app.reviews.operations import ReviewInput, save_review

    with app.app_context():
        quality = db.session.scalar(select(User).where(User.email == "quality@x.test"))
        report = db.session.get(Report, org["north"][0])
        save_review(
            quality,
            ReviewInput(kind="brief_structured_review", title="Huddle on the hoist", reports=[report]),
        )
        db.session.commit()
    login(client, "quality@x.test")
    spanish = client.get(f"/people/{person_of(app, 'J S')}", headers={"Accept-Language": "es"})
    english = client.get(f"/people/{person_of(app, 'J S')}", headers={"Accept-Language": "en"})
    assert "Huddle on the hoist" in spanish.get_data(as_text=True)
    assert ">open<" not in spanish.get_data(as_text=True).replace(" ", "")
    assert "Open" in english.get_data(as_text=True) or "open" in english.get_data(as_text=True)
