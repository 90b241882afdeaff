"""The access log: downloads, exports and views of sensitive reports are audit events without PHI."""

import json
from datetime import timedelta

from app.core.roles import Role
from tests.emergency.conftest import events, signed_in, take_access, user_id

WHAT_HAPPENED = "Blister pack held the old dose"  # the factories' report text: never in an event


def _no_phi(rows):
    return all(WHAT_HAPPENED not in (after or "") and "R-17" not in (after or "") for *_, after in rows)


def test_every_view_of_a_safeguarding_report_is_logged_and_ordinary_views_are_not(app, org):
    lead = signed_in(app, "safeguarding@x.test")
    assert lead.get(f"/reports/{org['safeguarding']}").status_code == 200
    assert lead.get(f"/api/v1/reports/{org['safeguarding']}").status_code == 200
    supervisor = signed_in(app, "sup@x.test")
    assert supervisor.get(f"/reports/{org['safeguarding']}").status_code == 200
    assert supervisor.get(f"/reports/{org['own']}").status_code == 200  # not safeguarding: no entry
    views = events(app, "report.view")
    assert [(actor, object_id) for actor, _, object_id, _ in views] == [
        (user_id(app, "safeguarding@x.test"), str(org["safeguarding"])),
        (user_id(app, "safeguarding@x.test"), str(org["safeguarding"])),
        (user_id(app, "sup@x.test"), str(org["safeguarding"])),
    ]
    assert '"via":"api"' in views[1][3] and '"safeguarding":true' in views[0][3]
    assert '"emergency":false' in views[0][3]
    assert _no_phi(views)


def test_refused_views_leave_no_view_event(app, org):
    dsp2 = signed_in(app, "dsp2@x.test")
    assert dsp2.get(f"/reports/{org['safeguarding']}").status_code == 404
    assert events(app, "report.view") == []


def test_every_report_view_under_emergency_access_is_logged(app, org):
    client = signed_in(app, "nurse2@x.test")
    take_access(client)
    client.get(f"/reports/{org['own']}")
    client.get(f"/api/v1/reports/{org['own']}")
    client.get(f"/reports/{org['south']}")  # their region's report, still recorded while the grant is on
    views = events(app, "report.view")
    assert [object_id for _, _, object_id, _ in views] == [
        str(org["own"]),
        str(org["own"]),
        str(org["south"]),
    ]
    assert all('"emergency":true' in after for *_, after in views)
    assert _no_phi(views)
    start = events(app, "emergency_access.start")
    assert len(start) == 1 and start[0][0] == user_id(app, "nurse2@x.test") and _no_phi(start)


def test_guide_pdf_downloads_are_logged(app, org):
    client = signed_in(app, "dsp@x.test")
    response = client.get("/guides/dsp.pdf?size=letter")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    [(actor, object_type, object_id, after)] = events(app, "guide.download")
    assert (actor, object_type, object_id) == (user_id(app, "dsp@x.test"), "guide", "dsp")
    assert '"size":"letter"' in after
    assert client.get("/guides/dsp.pdf?size=tabloid").status_code == 400
    assert len(events(app, "guide.download")) == 1  # a refused download is not a download


def test_pack_pdf_downloads_and_csv_exports_are_logged(app, org, make, org_day):
    make.user("manager@x.test", roles=[Role.MANAGER], regions=[])
    client = signed_in(app, "manager@x.test")
    last = org_day - timedelta(days=org_day.weekday() + 7)
    period = f"from={last - timedelta(weeks=3)}&to={last + timedelta(days=6)}"
    pdf = client.get(f"/packs/oversight.pdf?{period}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    export = client.get(f"/packs/oversight.zip?{period}")
    assert export.status_code == 200 and export.mimetype == "application/zip"
    manager = user_id(app, "manager@x.test")
    [download] = events(app, "pack.download")
    [exported] = events(app, "pack.export")
    assert download[0] == manager and exported[0] == manager
    assert '"region":"All regions"' in exported[3]
    assert _no_phi([download, exported])
    assert signed_in(app, "dsp@x.test").get(f"/packs/oversight.zip?{period}").status_code == 403
    assert len(events(app, "pack.export")) == 1


def test_sign_ins_refusals_and_sign_outs_are_in_the_log(app, org):
    from tests.factories import csrf_from_page, login

    client = app.test_client()
    login(client, "dsp@x.test", password="not-the-password")
    login(client, "dsp@x.test")
    client.post("/logout", data={"csrf_token": csrf_from_page(client, "/")})
    assert events(app, "session.refused") and events(app, "session.start") and events(app, "session.end")


def test_lists_under_emergency_access_or_with_safeguarding_reports_are_traced(app, org):
    nurse = signed_in(app, "nurse@x.test")
    nurse.get("/reports")
    assert events(app, "report.list_view") == [], "a list with no safeguarding report leaves no trace"
    take_access(nurse)
    nurse.get("/reports")
    lead = signed_in(app, "safeguarding@x.test")
    lead.get("/reports")
    (nurse_actor, _, _, nurse_after), (lead_actor, _, _, lead_after) = events(app, "report.list_view")
    assert (nurse_actor, lead_actor) == (user_id(app, "nurse@x.test"), user_id(app, "safeguarding@x.test"))
    assert {org["south"], org["safeguarding"]} <= set(json.loads(nurse_after)["report_ids"])
    assert json.loads(lead_after)["report_ids"] == [org["safeguarding"]], "only the safeguarding one"
    assert _no_phi(events(app, "report.list_view"))
