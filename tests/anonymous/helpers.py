"""Builders for the anonymous-report tests: a program with a public link, and the public form's posts."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.anonymous.models import ReportingLink
from app.anonymous.operations import open_link
from app.auth.models import User
from app.core.roles import Role
from app.extensions import db
from app.taxonomy.models import Program, Region
from tests.factories import csrf_from_page, login

ORG_TZ = ZoneInfo("America/New_York")

SENDER = {"REMOTE_ADDR": "203.0.113.77", "HTTP_USER_AGENT": "SenderPhone/9.1 (UniqueAgent-4471)"}
"""What a sender's browser gives away: neither may be found in the database or the logs."""


def program_with_link(app, make, *, program="Supported living - Elm St", region="North") -> tuple[int, str]:
    """A program in ``region`` with an open public link, opened by an administrator: (program id, token)."""
    with app.app_context():
        has_admin = db.session.scalar(select(User.id).where(User.email == "admin@x.test")) is not None
    if not has_admin:
        make.user("admin@x.test", roles=(Role.ADMIN,), regions=[region])
    region_id = make.region(region)
    with app.app_context():
        row = Program(name=program, region_id=region_id)
        db.session.add(row)
        db.session.flush()
        admin = db.session.scalar(select(User).where(User.email == "admin@x.test"))
        link = open_link(row, actor=admin)
        db.session.commit()
        return row.id, link.token


def current_token(app, program_id: int) -> str:
    with app.app_context():
        return db.session.scalar(
            select(ReportingLink.token).where(
                ReportingLink.program_id == program_id, ReportingLink.ended_at.is_(None)
            )
        )


def answers(client, token: str, now, **overrides) -> dict:
    """The public form's fields as a sender fills them in (with the page's own CSRF token)."""
    page = client.get(f"/r/{token}", environ_base=SENDER)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    client_uuid = html.split('name="client_uuid" value="', 1)[1].split('"', 1)[0]
    form = {
        "csrf_token": html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0],
        "client_uuid": client_uuid,
        "still_at_risk": "no",
        "what_happened": "The evening pills in the box were not the ones on the list",
        "barrier": "My mother checked the list before taking them",
        "category": "medication",
        # A sender types the local time of the organisation (America/New_York, ORG_TIMEZONE).
        "occurred_at": (now - timedelta(hours=2)).astimezone(ORG_TZ).strftime("%Y-%m-%dT%H:%M"),
    }
    form.update(overrides)
    return form


def send(client, token: str, form: dict, environ=SENDER):
    return client.post(f"/r/{token}", data=form, environ_base=environ)


def receipt_code(html: str) -> str:
    return html.split('id="receipt-code">', 1)[1].split("<", 1)[0].strip()


def admin_client(app):
    client = app.test_client()
    login(client, "admin@x.test")
    return client


def admin_post(client, path: str):
    return client.post(path, data={"csrf_token": csrf_from_page(client, "/admin/reporting-links")})


def region_id(app, name: str = "North") -> int:
    with app.app_context():
        return db.session.scalar(select(Region.id).where(Region.name == name))
