"""Imports every model so SQLAlchemy's metadata (and so Alembic) sees the whole schema."""

from app.actions.models import Action, SpotCheck, Verification
from app.anonymous.models import AnonymousReport, ReportingLink
from app.auth.models import (
    Passkey,
    RolePolicy,
    User,
    UserRole,
    UserSession,
    WebAuthnChallenge,
    user_regions,
)
from app.core.audit.models import AuditEvent
from app.core.settings import Setting
from app.dashboard.models import Cluster, Exposure
from app.emergency.models import EmergencyAccess
from app.escalations.models import ExternalBody, ExternalDuty, SafeguardingCase, StopTheLineAlert
from app.feedback.models import FeedbackPost
from app.guides.models import CueGuideVersion
from app.incidents.models import IncidentCategory, IncidentRecord, WarningLink
from app.notifications.models import Notification, PushSubscription
from app.packs.models import PackRender
from app.reports.models import Report, ReportPhoto
from app.reviews.models import Review
from app.taxonomy.models import Category, Program, Region
from app.triage.models import Triage, TriageMatrixVersion

__all__ = [
    "Action",
    "AnonymousReport",
    "AuditEvent",
    "Category",
    "Cluster",
    "CueGuideVersion",
    "EmergencyAccess",
    "Exposure",
    "ExternalBody",
    "ExternalDuty",
    "FeedbackPost",
    "IncidentCategory",
    "IncidentRecord",
    "Notification",
    "PackRender",
    "Passkey",
    "Program",
    "PushSubscription",
    "Region",
    "Report",
    "ReportPhoto",
    "ReportingLink",
    "Review",
    "RolePolicy",
    "SafeguardingCase",
    "Setting",
    "SpotCheck",
    "StopTheLineAlert",
    "Triage",
    "TriageMatrixVersion",
    "User",
    "UserRole",
    "UserSession",
    "Verification",
    "WarningLink",
    "WebAuthnChallenge",
    "user_regions",
]
