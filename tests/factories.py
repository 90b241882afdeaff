"""Test data builders and an HTTP sign-in helper (in the spirit of flaskr's ``auth.login``)."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.auth.operations import create_user
from app.core.models import now_utc
from app.core.roles import Role
from app.extensions import db
from app.reports.operations import SubmissionSettings, submit_report
from app.reports.validation import ReportPayload
from app.taxonomy.models import Region

PASSWORD = "correct-horse-battery"


class Factory:
    def __init__(self, app):
        self.app = app

    def _in_context(self, build):
        with self.app.app_context():
            result = build()
            db.session.commit()
            return result

    def region(self, name: str = "North") -> int:
        def build():
            existing = db.session.scalar(select(Region).where(Region.name == name))
            if existing:
                return existing.id
            region = Region(name=name)
            db.session.add(region)
            db.session.flush()
            return region.id

        return self._in_context(build)

    def user(self, email: str, roles=(Role.DSP,), regions=("North",), password=PASSWORD) -> int:
        region_ids = [self.region(name) for name in regions]

        def build():
            rows = [db.session.get(Region, rid) for rid in region_ids]
            return create_user(
                email=email, name=email.split("@")[0].title(), password=password, roles=roles, regions=rows
            ).id

        return self._in_context(build)

    def report(self, reporter_email: str, region: str = "North", **overrides) -> int:
        def build():
            reporter = db.session.scalar(select(User).where(User.email == reporter_email))
            region_id = db.session.scalar(select(Region.id).where(Region.name == region))
            payload = ReportPayload(**report_body(region_id, **overrides))
            settings = SubmissionSettings.from_config(self.app.config)
            return submit_report(reporter, payload, settings).report.id

        return self._in_context(build)


def report_body(region_id: int, **overrides) -> dict:
    """A valid API body for a report in ``region_id``."""
    body = {
        "client_uuid": str(uuid.uuid4()),
        "what_happened": "Blister pack held the old dose after a GP change.",
        "category": "medication",
        "occurred_at": (now_utc() - timedelta(hours=1)).isoformat(),
        "region_id": region_id,
        "still_at_risk": False,
        "barrier": "Checked the MAR before giving",
    }
    body.update(overrides)
    return body


def login(client, email: str, password: str = PASSWORD):
    page = client.get("/login")
    token = _csrf_from(page.get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def api_token(client) -> str:
    return client.get("/api/v1/csrf").get_json()["csrf_token"]


def post_report(client, body, token=None):
    token = token if token is not None else api_token(client)
    return client.post("/api/v1/reports", json=body, headers={"X-CSRFToken": token})


def _csrf_from(html: str) -> str:
    marker = 'name="csrf_token" type="hidden" value="'
    if marker not in html:
        marker = 'name="csrf_token" value="'
    return html.split(marker, 1)[1].split('"', 1)[0]


def csrf_from_page(client, path: str) -> str:
    return _csrf_from(client.get(path).get_data(as_text=True))


def yesterday_local() -> str:
    """A datetime-local value for this time yesterday (as a phone's form field would hold it)."""
    return (now_utc() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
