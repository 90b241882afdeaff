"""Imports every model so SQLAlchemy's metadata (and so Alembic) sees the whole schema."""

from app.auth.models import User, UserRole, UserSession, user_regions
from app.core.audit.models import AuditEvent
from app.reports.models import Report, ReportPhoto
from app.taxonomy.models import Category, Program, Region

__all__ = [
    "AuditEvent",
    "Category",
    "Program",
    "Region",
    "Report",
    "ReportPhoto",
    "User",
    "UserRole",
    "UserSession",
    "user_regions",
]
