"""Imports every model so SQLAlchemy's metadata (and so Alembic) sees the whole schema."""

from app.auth.models import User, UserRole, UserSession, user_regions
from app.core.audit.models import AuditEvent
from app.core.settings import Setting
from app.escalations.models import ExternalBody, ExternalDuty, SafeguardingCase, StopTheLineAlert
from app.notifications.models import Notification
from app.reports.models import Report, ReportPhoto
from app.taxonomy.models import Category, Program, Region
from app.triage.models import Triage, TriageMatrixVersion

__all__ = [
    "AuditEvent",
    "Category",
    "ExternalBody",
    "ExternalDuty",
    "Notification",
    "Program",
    "Region",
    "Report",
    "ReportPhoto",
    "SafeguardingCase",
    "Setting",
    "StopTheLineAlert",
    "Triage",
    "TriageMatrixVersion",
    "User",
    "UserRole",
    "UserSession",
    "user_regions",
]
