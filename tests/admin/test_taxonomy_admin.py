"""Administration of regions, programs and categories: the operations, the pages, the report form."""

import json

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.core.audit.models import AuditEvent
from app.core.audit.operations import first_chain_problem
from app.core.roles import Role
from app.extensions import db
from app.reports.models import Report
from app.taxonomy.models import Category, Program, Region
from app.taxonomy.operations import (
    TaxonomyInvalid,
    save_category,
    save_program,
    save_region,
    set_category_active,
    set_program_active,
    set_region_active,
)
from app.taxonomy.queries import taxonomy_for
from tests.factories import csrf_from_page, login, yesterday_local

# Operations (no HTTP) --------------------------------------------------------------------------


@pytest.fixture
def admin(ctx, make):
    make.user("admin@x.test", roles=[Role.ADMIN], regions=["North"])
    return db.session.scalar(select(User).where(User.email == "admin@x.test"))


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq))
    )


def refusal(call, *args, **kwargs) -> dict:
    with pytest.raises(TaxonomyInvalid) as caught:
        call(*args, **kwargs)
    return caught.value.errors


def test_region_add_rename_and_audit(admin):
    region = save_region(admin, "  East   Coast ")
    assert region.name == "East Coast" and region.active
    save_region(admin, "Eastern", region=region)
    assert region.name == "Eastern"
    [created] = events("region.create")
    [renamed] = events("region.rename")
    assert created.actor_id == admin.id and created.object_id == str(region.id)
    assert created.before is None and json.loads(created.after) == {"name": "East Coast", "active": True}
    assert json.loads(renamed.before)["name"] == "East Coast"
    assert json.loads(renamed.after)["name"] == "Eastern"
    save_region(admin, "Eastern", region=region)
    assert len(events("region.rename")) == 1, "saving without a change writes no event"


def test_region_names_are_required_unique_and_bounded(admin):
    assert "name" in refusal(save_region, admin, "   ")
    assert "name" in refusal(save_region, admin, "x" * 121)
    assert refusal(save_region, admin, "north") == {"name": ["There is already a region with that name."]}
    south = save_region(admin, "South")
    assert "name" in refusal(save_region, admin, "NORTH", region=db.session.get(Region, south.id))
    assert save_region(admin, "south", region=db.session.get(Region, south.id)).name == "south"


def test_region_deactivate_reactivate_keeps_the_last_one(admin):
    north = db.session.scalar(select(Region).where(Region.name == "North"))
    errors = refusal(set_region_active, admin, north, False)
    assert errors == {"active": ["Keep at least one active region: reports need one."]}
    south = save_region(admin, "South")
    set_region_active(admin, north, False)
    assert not north.active
    assert "active" in refusal(set_region_active, admin, db.session.get(Region, south.id), False)
    north = db.session.get(Region, north.id)
    set_region_active(admin, north, True)
    assert north.active
    assert [e.action for e in events("region.deactivate") + events("region.reactivate")] == [
        "region.deactivate",
        "region.reactivate",
    ]
    assert json.loads(events("region.deactivate")[0].after) == {"name": "North", "active": False}
    assert first_chain_problem() is None


def test_program_rules(admin):
    north = db.session.scalar(select(Region).where(Region.name == "North"))
    everywhere = save_program(admin, "Day services", None)
    local = save_program(admin, "Supported living", north.id)
    assert (everywhere.region_id, local.region_id) == (None, north.id)
    assert "name" in refusal(save_program, admin, "", north.id)
    assert refusal(save_program, admin, "x", 9999) == {"region_id": ["Choose one of the listed regions."]}
    clash = refusal(save_program, admin, "day SERVICES", north.id)
    assert clash == {"name": ["A program with that name already runs in this region."]}
    assert "name" in refusal(save_program, admin, "Supported Living", None)
    south = save_region(admin, "South")
    assert save_program(admin, "Supported living", south.id).region_id == south.id
    set_region_active(admin, db.session.get(Region, south.id), False)
    errors = refusal(save_program, admin, "Outreach", south.id)
    assert errors == {"region_id": ["South is deactivated; reactivate it first."]}
    local = db.session.get(Program, local.id)
    moved = save_program(admin, "Supported living (north)", None, program=local)
    assert moved.region_id is None
    [update] = events("program.update")
    assert (
        json.loads(update.before)["region_id"] == north.id and json.loads(update.after)["region_id"] is None
    )


def test_program_deactivate_and_no_reactivation_into_a_deactivated_region(admin):
    south = save_region(admin, "South")
    program = save_program(admin, "Outreach", south.id)
    set_program_active(admin, program, False)
    set_region_active(admin, south, False)
    errors = refusal(set_program_active, admin, db.session.get(Program, program.id), True)
    assert errors == {"active": ["South is deactivated; reactivate the region first."]}
    set_region_active(admin, db.session.get(Region, south.id), True)
    assert set_program_active(admin, db.session.get(Program, program.id), True).active
    assert len(events("program.deactivate")) == len(events("program.reactivate")) == 1


def category_fields(**overrides):
    fields = {
        "name": "Night checks",
        "description": "Checks missed on waking nights.",
        "examples": "Hourly check not signed; door alarm off",
        "is_safeguarding": False,
        "is_stop_the_line": False,
        "sort_order": 55,
    }
    fields.update(overrides)
    return fields


def test_category_add_and_edit_but_never_recode(admin):
    category = save_category(admin, code="night_checks", **category_fields())
    assert (category.code, category.sort_order, category.active) == ("night_checks", 55, True)
    edited = save_category(
        admin,
        category=category,
        code="something_else",
        **category_fields(name="Waking nights", is_stop_the_line=True, sort_order=5),
    )
    assert edited.code == "night_checks", "the code is fixed once created"
    assert (edited.name, edited.is_stop_the_line, edited.sort_order) == ("Waking nights", True, 5)
    [update] = events("category.update")
    before, after = json.loads(update.before), json.loads(update.after)
    assert (before["name"], before["is_stop_the_line"]) == ("Night checks", False)
    assert (after["name"], after["is_stop_the_line"], after["code"]) == (
        "Waking nights",
        True,
        "night_checks",
    )


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("night_checks", True),
        ("a1", True),
        ("Night_checks", False),
        ("night-checks", False),
        ("night checks", False),
        ("_night", False),
        ("night__checks", False),
        ("1night", False),
        ("", False),
        ("n" * 41, False),
        ("nuit_é", False),
    ],
)
def test_category_code_must_be_a_lowercase_slug(admin, code, ok):
    if ok:
        assert save_category(admin, code=code, **category_fields()).code == code
    else:
        assert "code" in refusal(save_category, admin, code=code, **category_fields())


def test_category_refusals(admin):
    assert refusal(save_category, admin, code="medication", **category_fields()) == {
        "code": ["That code is already used by another category."]
    }
    assert "name" in refusal(save_category, admin, code="new_one", **category_fields(name="MEDICATION"))
    assert "name" in refusal(save_category, admin, code="new_one", **category_fields(name=" "))
    assert "sort_order" in refusal(save_category, admin, code="new_one", **category_fields(sort_order=None))
    assert "sort_order" in refusal(save_category, admin, code="new_one", **category_fields(sort_order=10000))
    assert "examples" in refusal(save_category, admin, code="new_one", **category_fields(examples="x" * 2001))
    medication = db.session.scalar(select(Category).where(Category.code == "medication"))
    kept = save_category(admin, category=medication, **category_fields(name="Medication"))
    assert kept.name == "Medication", "a category keeps its own name when edited"


def test_category_deactivation_keeps_the_last_active_one(admin):
    categories = list(db.session.scalars(select(Category).order_by(Category.sort_order)))
    for category in categories[:-1]:
        set_category_active(admin, category, False)
    errors = refusal(set_category_active, admin, db.session.get(Category, categories[-1].id), False)
    assert errors == {"active": ["Keep at least one active category: reports need one."]}
    first = db.session.get(Category, categories[0].id)
    set_category_active(admin, first, True)
    assert first.active
    assert len(events("category.deactivate")) == len(categories) - 1
    assert json.loads(events("category.reactivate")[0].before)["active"] is False


def test_deactivated_choices_leave_the_api_taxonomy(admin):
    south = save_region(admin, "South")
    admin.regions.append(south)
    program = save_program(admin, "Outreach", None)
    medication = db.session.scalar(select(Category).where(Category.code == "medication"))
    set_category_active(admin, medication, False)
    set_program_active(admin, program, False)
    set_region_active(admin, south, False)
    taxonomy = taxonomy_for(admin)
    assert "medication" not in {c["code"] for c in taxonomy["categories"]}
    assert [r["name"] for r in taxonomy["regions"]] == ["North"]
    assert taxonomy["programs"] == []


# Pages ----------------------------------------------------------------------------------------


@pytest.fixture
def people(make):
    make.user("admin@x.test", roles=[Role.ADMIN], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=["North"])
    make.user("dsp@x.test", regions=["North"])
    return make.region("North")


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def row(app, model, **where):
    with app.app_context():
        found = db.session.scalar(select(model).filter_by(**where))
        db.session.expunge_all()
        return found


PAGES = ["/admin/regions", "/admin/programs", "/admin/categories"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_for_admins_only(client, people, path):
    assert client.get(path).status_code == 302
    assert "/login" in client.get(path).headers["Location"]
    login(client, "quality@x.test")
    assert client.get(path).status_code == 403
    assert client.post(path, data={"name": "X"}).status_code in (400, 403)


@pytest.mark.parametrize("path", PAGES)
def test_signed_out_writes_go_to_sign_in(app, client, people, path):
    token = csrf_from_page(client, "/login")
    response = client.post(path, data={"csrf_token": token, "name": "Sneaky", "code": "sneaky"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert row(app, Region, name="Sneaky") is None


def test_non_admin_cannot_write_even_with_a_token(app, client, people):
    login(client, "quality@x.test")
    token = csrf_from_page(client, "/report")
    north = row(app, Region, name="North")
    assert client.post("/admin/regions", data={"csrf_token": token, "name": "East"}).status_code == 403
    response = client.post(f"/admin/regions/{north.id}/active", data={"csrf_token": token, "active": "no"})
    assert response.status_code == 403
    assert row(app, Region, name="East") is None and row(app, Region, name="North").active


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/admin/regions", {"name": "East"}),
        ("/admin/programs", {"name": "Outreach", "region_id": ""}),
        ("/admin/categories", {"code": "night_checks", "name": "Night checks", "sort_order": "5"}),
    ],
)
def test_writes_need_the_csrf_token(app, client, people, path, data):
    login(client, "admin@x.test")
    before = audit_actions(app)
    assert client.post(path, data=data).status_code == 400
    assert audit_actions(app) == before


def test_admin_adds_renames_deactivates_and_reactivates_a_region(app, client, people):
    login(client, "admin@x.test")
    assert "Add a region" in client.get("/admin/regions").get_data(as_text=True)
    token = csrf_from_page(client, "/admin/regions")
    response = client.post("/admin/regions", data={"csrf_token": token, "name": "East"})
    assert response.status_code == 302
    east = row(app, Region, name="East")
    assert east.active
    page = client.get(f"/admin/regions/{east.id}").get_data(as_text=True)
    assert "Rename East" in page and 'value="East"' in page
    response = client.post(f"/admin/regions/{east.id}", data={"csrf_token": token, "name": "East Coast"})
    assert response.status_code == 302
    response = client.post(f"/admin/regions/{east.id}/active", data={"csrf_token": token, "active": "no"})
    assert response.status_code == 302
    assert not row(app, Region, id=east.id).active
    assert "Region East Coast deactivated." in client.get("/admin/regions").get_data(as_text=True)
    client.post(f"/admin/regions/{east.id}/active", data={"csrf_token": token, "active": "yes"})
    assert row(app, Region, id=east.id).active
    assert [a for a in audit_actions(app) if a.startswith("region.")] == [
        "region.create",
        "region.rename",
        "region.deactivate",
        "region.reactivate",
    ]
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "region.rename"))
        admin_id = db.session.scalar(select(User.id).where(User.email == "admin@x.test"))
        assert event.actor_id == admin_id


def test_bad_region_input_is_422_and_keeps_what_was_typed(app, client, people):
    login(client, "admin@x.test")
    token = csrf_from_page(client, "/admin/regions")
    response = client.post("/admin/regions", data={"csrf_token": token, "name": "north"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is already a region with that name." in html and 'value="north"' in html
    response = client.post("/admin/regions", data={"csrf_token": token, "name": "  "})
    assert response.status_code == 422 and "Give the region a name." in response.get_data(as_text=True)
    north = row(app, Region, name="North")
    response = client.post(f"/admin/regions/{north.id}/active", data={"csrf_token": token, "active": "no"})
    assert response.status_code == 422
    assert "Keep at least one active region" in response.get_data(as_text=True)
    assert row(app, Region, id=north.id).active
    bad = client.post(f"/admin/regions/{north.id}/active", data={"csrf_token": token, "active": "maybe"})
    assert bad.status_code == 400
    assert client.get("/admin/regions/99999").status_code == 404
    assert (
        client.post("/admin/regions/99999/active", data={"csrf_token": token, "active": "no"}).status_code
        == 404
    )
    assert not [a for a in audit_actions(app) if a.startswith("region.")]


def test_admin_manages_programs(app, client, people):
    login(client, "admin@x.test")
    token = csrf_from_page(client, "/admin/programs")
    north = row(app, Region, name="North")
    response = client.post(
        "/admin/programs", data={"csrf_token": token, "name": "Supported living", "region_id": str(north.id)}
    )
    assert response.status_code == 302
    program = row(app, Program, name="Supported living")
    assert program.region_id == north.id
    page = client.get("/admin/programs").get_data(as_text=True)
    assert "Supported living" in page and "North" in page
    for region_id, message in [
        ("99999", "Choose one of the listed regions."),
        ("abc", "Choose one of the listed regions."),
    ]:
        response = client.post(
            "/admin/programs", data={"csrf_token": token, "name": "Outreach", "region_id": region_id}
        )
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    response = client.post(
        "/admin/programs", data={"csrf_token": token, "name": "supported LIVING", "region_id": ""}
    )
    assert response.status_code == 422
    assert "A program with that name already runs in this region." in response.get_data(as_text=True)
    response = client.post(
        f"/admin/programs/{program.id}",
        data={"csrf_token": token, "name": "Supported living", "region_id": ""},
    )
    assert response.status_code == 302 and row(app, Program, id=program.id).region_id is None
    client.post(f"/admin/programs/{program.id}/active", data={"csrf_token": token, "active": "no"})
    assert not row(app, Program, id=program.id).active
    assert [a for a in audit_actions(app) if a.startswith("program.")] == [
        "program.create",
        "program.update",
        "program.deactivate",
    ]


def test_admin_manages_categories(app, client, people):
    login(client, "admin@x.test")
    page = client.get("/admin/categories").get_data(as_text=True)
    assert "Safeguarding and rights" in page and 'value="120"' in page, "next order is suggested"
    token = csrf_from_page(client, "/admin/categories")
    data = {
        "csrf_token": token,
        "code": "night_checks",
        "name": "Night checks",
        "description": "Checks missed on waking nights.",
        "examples": "Hourly check not signed; door alarm off",
        "is_stop_the_line": "on",
        "sort_order": "15",
    }
    assert client.post("/admin/categories", data=data).status_code == 302
    category = row(app, Category, code="night_checks")
    assert (category.is_stop_the_line, category.is_safeguarding, category.sort_order) == (True, False, 15)
    page = client.get(f"/admin/categories/{category.id}").get_data(as_text=True)
    assert "Edit Night checks" in page and "<code>night_checks</code>" in page and 'name="code"' not in page
    edit = {
        **data,
        "code": "renamed_code",
        "name": "Waking nights",
        "is_safeguarding": "on",
        "sort_order": "3",
    }
    edit.pop("is_stop_the_line")
    assert client.post(f"/admin/categories/{category.id}", data=edit).status_code == 302
    category = row(app, Category, id=category.id)
    assert (category.code, category.name, category.is_safeguarding, category.is_stop_the_line) == (
        "night_checks",
        "Waking nights",
        True,
        False,
    )
    assert category.sort_order == 3
    client.post(f"/admin/categories/{category.id}/active", data={"csrf_token": token, "active": "no"})
    assert not row(app, Category, id=category.id).active
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "category.update"))
        assert json.loads(event.before)["is_safeguarding"] is False
        assert json.loads(event.after)["is_safeguarding"] is True
    assert [a for a in audit_actions(app) if a.startswith("category.")] == [
        "category.create",
        "category.update",
        "category.deactivate",
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "Night-Checks"}, "Give a code of lowercase letters"),
        ({"code": "medication"}, "That code is already used by another category."),
        ({"name": ""}, "Give the category a name."),
        ({"name": "Medication"}, "There is already a category with that name."),
        ({"sort_order": "soon"}, "Give a whole number from 0 to 9999"),
        ({"sort_order": "-4"}, "Give a whole number from 0 to 9999"),
    ],
)
def test_bad_category_input_is_422_and_keeps_what_was_typed(app, client, people, changes, message):
    login(client, "admin@x.test")
    data = {
        "csrf_token": csrf_from_page(client, "/admin/categories"),
        "code": "night_checks",
        "name": "Night checks",
        "description": "Typed with care",
        "sort_order": "15",
        **changes,
    }
    response = client.post("/admin/categories", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "Typed with care" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Category)) == 11


def test_editing_a_category_with_bad_input_is_422(app, client, people):
    login(client, "admin@x.test")
    token = csrf_from_page(client, "/admin/categories")
    medication = row(app, Category, code="medication")
    response = client.post(
        f"/admin/categories/{medication.id}",
        data={"csrf_token": token, "name": "Other", "sort_order": "10", "examples": "kept text"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is already a category with that name." in html and "kept text" in html
    assert row(app, Category, id=medication.id).name == "Medication"


def test_last_active_category_cannot_be_deactivated_through_the_page(app, client, people):
    login(client, "admin@x.test")
    token = csrf_from_page(client, "/admin/categories")
    with app.app_context():
        ids = list(db.session.scalars(select(Category.id).order_by(Category.sort_order)))
    for category_id in ids[:-1]:
        response = client.post(
            f"/admin/categories/{category_id}/active", data={"csrf_token": token, "active": "no"}
        )
        assert response.status_code == 302
    response = client.post(f"/admin/categories/{ids[-1]}/active", data={"csrf_token": token, "active": "no"})
    assert response.status_code == 422
    assert "Keep at least one active category" in response.get_data(as_text=True)
    assert row(app, Category, id=ids[-1]).active


# The report form and existing reports ----------------------------------------------------------


def test_deactivated_choices_leave_the_report_form_but_stay_on_reports(app, client, make, people):
    south = make.region("South")
    with app.app_context():
        dsp = db.session.scalar(select(User).where(User.email == "dsp@x.test"))
        dsp.regions.append(db.session.get(Region, south))
        db.session.add(Program(name="Outreach", region_id=south))
        db.session.commit()
        outreach = db.session.scalar(select(Program.id).where(Program.name == "Outreach"))
    report_id = make.report("dsp@x.test", region="South", category="transport", program_id=outreach)

    login(client, "dsp@x.test")
    form = client.get("/report").get_data(as_text=True)
    assert 'value="transport"' in form and ">South</option>" in form and ">Outreach</option>" in form

    admin = app.test_client()
    login(admin, "admin@x.test")
    token = csrf_from_page(admin, "/admin/regions")
    transport = row(app, Category, code="transport")
    for path in (
        f"/admin/categories/{transport.id}/active",
        f"/admin/programs/{outreach}/active",
        f"/admin/regions/{south}/active",
    ):
        assert admin.post(path, data={"csrf_token": token, "active": "no"}).status_code == 302

    form = client.get("/report").get_data(as_text=True)
    assert 'value="transport"' not in form and 'value="medication"' in form
    assert ">South</option>" not in form and ">Outreach</option>" not in form
    assert ">North</option>" in form
    taxonomy = client.get("/api/v1/taxonomy").get_json()
    assert "transport" not in {c["code"] for c in taxonomy["categories"]}
    assert [r["name"] for r in taxonomy["regions"]] == ["North"]

    refused = client.post(
        "/report",
        data={
            "csrf_token": csrf_from_page(client, "/report"),
            "client_uuid": "6f1c2a8e-3c1b-4b8e-9a51-1d3c0c2f7b10",
            "still_at_risk": "no",
            "what_happened": "Taxi booked for the wrong day",
            "category": "transport",
            "barrier": "Checked the day before",
            "occurred_at": yesterday_local(),
            "region_id": str(south),
        },
    )
    assert refused.status_code == 422
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert (report.category.code, report.region.name, report.program.name) == (
            "transport",
            "South",
            "Outreach",
        )
    quality = app.test_client()
    login(quality, "quality@x.test")
    page = quality.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "South" in page and "Transport" in page


def test_a_user_whose_first_region_is_deactivated_defaults_to_an_active_one(app, client, make, people):
    make.region("Alpha")
    with app.app_context():
        dsp = db.session.scalar(select(User).where(User.email == "dsp@x.test"))
        alpha = db.session.scalar(select(Region).where(Region.name == "Alpha"))
        dsp.regions.append(alpha)
        alpha.active = False
        db.session.commit()
        north = db.session.scalar(select(Region.id).where(Region.name == "North"))
    login(client, "dsp@x.test")
    form = client.get("/report").get_data(as_text=True)
    assert f'<option value="{north}" selected>' in form and ">Alpha</option>" not in form
