"""The roles of SPEC §2 and which of them see the whole organisation."""

from enum import StrEnum

from flask_babel import gettext

from app.core.i18n import N_


class Role(StrEnum):
    DSP = "dsp"
    SUPERVISOR = "supervisor"
    NURSE = "nurse"
    SCHEDULER = "scheduler"
    OPERATIONS_LEAD = "operations_lead"
    QUALITY_LEAD = "quality_lead"
    SAFEGUARDING_LEAD = "safeguarding_lead"
    TRAINER = "trainer"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """The role's name in the reader's language."""
        return gettext(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.DSP: N_("Direct support professional"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.NURSE: N_("Nurse"),
    Role.SCHEDULER: N_("Scheduler"),
    Role.OPERATIONS_LEAD: N_("Operations lead"),
    Role.QUALITY_LEAD: N_("Quality lead"),
    Role.SAFEGUARDING_LEAD: N_("Safeguarding lead"),
    Role.TRAINER: N_("Trainer"),
    Role.MANAGER: N_("Manager"),
    Role.ADMIN: N_("Administrator"),
}

ORGANISATION_WIDE_ROLES = frozenset({Role.QUALITY_LEAD, Role.SAFEGUARDING_LEAD, Role.MANAGER, Role.ADMIN})
"""Roles that see every region's reports (SPEC §2)."""

SEES_CONFIDENTIAL_REPORTERS = frozenset({Role.QUALITY_LEAD, Role.SAFEGUARDING_LEAD})
"""Only these roles may see who filed a confidential report."""

REGION_REVIEW_ROLES = frozenset({Role.SUPERVISOR, Role.NURSE, Role.SCHEDULER, Role.OPERATIONS_LEAD})
"""Roles that see every report of their own regions; a DSP or trainer sees only their own."""

SAFEGUARDING_NEED_TO_KNOW = frozenset({Role.SAFEGUARDING_LEAD, Role.QUALITY_LEAD})
"""Roles that see every safeguarding report; a region's supervisors see their regions' too."""

TRIAGE_ROLES = frozenset({Role.SUPERVISOR, Role.QUALITY_LEAD})
"""Supervisors triage their regions; the quality lead may triage anywhere."""

REVIEW_ROLES = REGION_REVIEW_ROLES | {Role.QUALITY_LEAD}
"""Roles that run reviews: the region's reviewers and the quality lead."""

DASHBOARD_ROLES = REGION_REVIEW_ROLES | ORGANISATION_WIDE_ROLES
"""Roles that see more than their own reports, so the dashboard has something to show them."""

PACK_ROLES = frozenset({Role.MANAGER, Role.QUALITY_LEAD})
"""Roles that build board and regulator packs."""

PERSON_VIEW_ROLES = frozenset({Role.SUPERVISOR, Role.NURSE, Role.QUALITY_LEAD, Role.SAFEGUARDING_LEAD})
"""Roles that plan support, and so may open one person's whole history (within their regions)."""

ADMIN_ROLES = frozenset({Role.ADMIN})
"""Roles that administer users, taxonomy, settings and jobs."""

COMPETENCY_ASSESSOR_ROLES = frozenset({Role.TRAINER})
"""Roles that record competency checks (the assessor is the signed-in trainer)."""

COVERAGE_ROLES = frozenset({Role.TRAINER, Role.MANAGER, Role.QUALITY_LEAD, Role.ADMIN, Role.SUPERVISOR})
"""Roles that see guide and competency coverage: supervisors only for their own regions."""
