"""The oversight export: its JSON validates against its own JSON Schema, CSV and JSON hold the same
records, people are pseudonymised and small counts suppressed as in the pack, each person sees the
rows of their regions only, and every download (page or command line) is an audit event."""

import csv
import io
import json

import jsonschema
import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.audit.models import AuditEvent
from app.core.clock import org_tz
from app.core.pseudonyms import pseudonym
from app.core.roles import Role
from app.extensions import db
from app.incidents.models import IncidentCategory
from app.incidents.operations import link_warning, reclassify_as_incident
from app.packs.incident_export import FIELDS, SCHEMA_PATH
from app.reports.models import Report
from app.taxonomy.models import Region
from tests.factories import login

PERIOD = "from=2026-10-01&to=2026-10-31"
WHAT = "The sling was frayed at the loop"


@pytest.fixture
def org(app, make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("sup-south@x.test", roles=[Role.SUPERVISOR], regions=["South"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    make.user("admin@x.test", roles=[Role.ADMIN], regions=[])
    ids = {
        "warning": make.report(
            "dsp@x.test", occurred_at="2026-10-02T14:00:00+00:00", person_ref="JD-1942", what_happened=WHAT
        ),
        "incident": make.report("dsp@x.test", occurred_at="2026-10-12T14:00:00+00:00", person_ref="JD-1942"),
        "south_warning": make.report(
            "dsp-south@x.test", region="South", occurred_at="2026-10-05T14:00:00+00:00"
        ),
        "south_incident": make.report(
            "dsp-south@x.test", region="South", occurred_at="2026-10-20T14:00:00+00:00"
        ),
        "outside": make.report("dsp@x.test", occurred_at="2026-11-12T14:00:00+00:00"),
    }
    with app.app_context():
        quality = db.session.scalar(select(User).where(User.email == "quality@x.test"))
        serious = db.session.scalar(
            select(IncidentCategory.id).where(IncidentCategory.code == "serious_injury")
        )

        def report(key):
            return db.session.get(Report, ids[key])

        for key in ("incident", "south_incident"):
            reclassify_as_incident(
                report(key),
                quality,
                category_id=serious,
                reason="The person fell in the transfer",
                tz=org_tz(),
            )
        link_warning(report("warning"), report("incident"), quality)
        link_warning(report("south_warning"), report("incident"), quality)
        link_warning(report("south_warning"), report("south_incident"), quality)
        db.session.commit()
    return ids


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def download(client, fmt, query=PERIOD):
    return client.get(f"/packs/oversight-export/download?{query}&format={fmt}")


def schema():
    return json.loads(SCHEMA_PATH.read_text())


def validate(document):
    jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker()).validate(document)


def as_csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def test_the_json_validates_against_its_schema_and_the_csv_holds_the_same_records(app, org):
    admin = as_user(app, "admin@x.test")
    answer = download(admin, "json")
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
    document = answer.get_json()
    validate(document)
    records = {r["report_id"]: r for r in document["records"]}
    assert set(records) == {org[k] for k in ("warning", "incident", "south_warning", "south_incident")}

    table = download(admin, "csv")
    assert table.headers["Content-Type"].startswith("text/csv")
    assert 'filename="oversight-export-20261001-20261031.csv"' in table.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(table.get_data(as_text=True))))
    assert tuple(rows[0]) == FIELDS
    assert len(rows) == len(records)
    for row in rows:
        record = records[int(row["report_id"])]
        assert row == {name: as_csv_cell(record[name]) for name in FIELDS}


def test_records_carry_categories_links_and_timeliness(app, org):
    document = download(as_user(app, "admin@x.test"), "json").get_json()
    records = {r["report_id"]: r for r in document["records"]}
    incident, warning = records[org["incident"]], records[org["warning"]]
    assert (
        incident["event_class"] == "incident" and incident["critical_incident_category"] == "serious_injury"
    )
    assert (
        incident["category_mapped_from"] == "incident"
        and incident["recorded_as_incident_via"] == "reclassified"
    )
    assert incident["warnings"] == sorted([org["warning"], org["south_warning"]])
    assert incident["external_bodies"] == ["state_incident_system"]
    assert incident["external_notification_due_at"] and incident["external_notification_sent_at"] is None
    assert warning["event_class"] == "near_miss" and warning["warned_of"] == [org["incident"]]
    assert (warning["critical_incident_category"], warning["category_mapped_from"]) == (
        "serious_injury",
        "linked_incident",
    )
    assert records[org["south_warning"]]["warned_of"] == sorted([org["incident"], org["south_incident"]])


def test_people_are_pseudonymised_free_text_left_out_and_small_counts_suppressed(app, org):
    admin = as_user(app, "admin@x.test")
    for fmt in ("csv", "json"):
        text = download(admin, fmt).get_data(as_text=True)
        assert "JD-1942" not in text and WHAT not in text
    document = download(admin, "json").get_json()
    with app.app_context():
        expected = pseudonym("JD-1942")
    assert {
        r["person_pseudonym"]
        for r in document["records"]
        if r["report_id"] in (org["warning"], org["incident"])
    } == {expected}
    assert document["summary"] == [
        {
            "region": "North",
            "critical_incident_category": "serious_injury",
            "incidents": "<5",
            "near_misses_linked": "<5",
        },
        {
            "region": "South",
            "critical_incident_category": "serious_injury",
            "incidents": "<5",
            "near_misses_linked": "<5",
        },
    ]


def test_a_supervisor_exports_only_their_regions_rows_and_links(app, org):
    south = as_user(app, "sup-south@x.test")
    document = download(south, "json").get_json()
    validate(document)
    assert {r["region"] for r in document["records"]} == {"South"}
    [south_warning] = [r for r in document["records"] if r["report_id"] == org["south_warning"]]
    assert south_warning["warned_of"] == [org["south_incident"]], "the link to North's incident is left out"
    rows = list(csv.DictReader(io.StringIO(download(south, "csv").get_data(as_text=True))))
    mentioned = {
        int(i)
        for row in rows
        for name in ("report_id", "warned_of", "warnings")
        for i in row[name].split(";")
        if i
    }
    assert org["incident"] not in mentioned and org["warning"] not in mentioned
    with app.app_context():
        north = db.session.scalar(select(Region.id).where(Region.name == "North"))
    assert download(south, "json", f"{PERIOD}&region={north}").status_code == 404
    assert as_user(app, "dsp@x.test").get("/packs/oversight-export").status_code == 403


def test_bad_input_is_refused_with_400(app, org):
    admin = as_user(app, "admin@x.test")
    assert download(admin, "xml").status_code == 400
    assert download(admin, "json", "from=2026-13-01&to=2026-10-31").status_code == 400
    assert download(admin, "json", "from=2026-10-31&to=2026-10-01").status_code == 400
    assert download(admin, "json", "from=2020-01-01&to=2026-10-01").status_code == 400
    page = admin.get("/packs/oversight-export").get_data(as_text=True)
    assert 'id="export-form"' in page
    assert admin.get("/packs/oversight-export/schema.json").get_json()["$id"] == schema()["$id"]


def test_every_download_and_command_line_run_is_audited(app, org, tmp_path):
    download(as_user(app, "admin@x.test"), "csv")
    out = tmp_path / "export.json"
    result = app.test_cli_runner().invoke(
        args=["export", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "json", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    validate(json.loads(out.read_text()))
    assert len(json.loads(out.read_text())["records"]) == 4
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "oversight_export.download")
            .order_by(AuditEvent.seq)
        ).all()
        assert [(a["format"], a["via"], a["records"]) for a in (json.loads(e.after) for e in events)] == [
            ("csv", "admin page", 4),
            ("json", "command line", 4),
        ]
        assert events[0].actor_id is not None and events[1].actor_id is None
    refused = app.test_cli_runner().invoke(
        args=["export", "--from", "2026-10-31", "--to", "2026-10-01", "--out", str(out)]
    )
    assert refused.exit_code != 0


def test_safeguarding_restricted_reports_reach_only_those_who_may_read_them(app, org):
    """A restricted report is a row only for the safeguarding and quality leads and the region's
    supervisors; an administrator's export leaves it and its links out."""
    with app.app_context():
        db.session.get(Report, org["warning"]).safeguarding_restricted = True
        db.session.commit()

    def report_ids(email):
        document = download(as_user(app, email), "json").get_json()
        validate(document)
        return {r["report_id"] for r in document["records"]}, document["records"]

    for email in ("quality@x.test", "sup@x.test"):
        assert org["warning"] in report_ids(email)[0], email
    admin_ids, admin_records = report_ids("admin@x.test")
    assert org["warning"] not in admin_ids and org["incident"] in admin_ids
    [incident] = [r for r in admin_records if r["report_id"] == org["incident"]]
    assert org["warning"] not in incident["warnings"]


def test_an_emergency_grant_does_not_widen_a_supervisors_export(app, org):
    from app.emergency.operations import start_grant

    with app.app_context():
        south = db.session.scalar(select(User).where(User.email == "sup-south@x.test"))
        start_grant(south, reason="Covering the on-call phone for North tonight", hours=2)
        db.session.commit()
    document = download(as_user(app, "sup-south@x.test"), "json").get_json()
    assert {r["region"] for r in document["records"]} == {"South"}
