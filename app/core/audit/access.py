"""The access log: reads that must leave a trace (SPEC §6, issue 8), written as audit events.

Sign-ins, refused sign-ins and sign-outs are recorded by ``app.auth.operations``; this module covers
downloads, exports and views of one report's detail. Like every audit event, the detail holds no health
information: ids, sizes and flags only. Callers commit.
"""

from app.core.audit.operations import record_event
from app.core.permissions import under_emergency_access

REPORT_VIEW = "report.view"


def record_access(
    action: str,
    *,
    actor,
    object_type: str,
    object_id=None,
    region_id: int | None = None,
    detail: dict | None = None,
) -> int:
    """Append one access event (who read or downloaded what, with non-PHI ``detail``); its sequence
    number."""
    return record_event(
        action,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        region_id=region_id,
        after=detail,
    )


def record_report_view(viewer, report, *, via: str) -> int | None:
    """Log a view of one report's detail when it must be traced: any view of a safeguarding-restricted
    report, and every report view made under emergency access. ``via`` names the page or API that
    showed it. Returns None when the view needs no entry."""
    emergency = under_emergency_access(viewer)
    if not (report.safeguarding_restricted or emergency):
        return None
    return record_access(
        REPORT_VIEW,
        actor=viewer,
        object_type="report",
        object_id=report.id,
        region_id=report.region_id,
        detail={"via": via, "safeguarding": bool(report.safeguarding_restricted), "emergency": emergency},
    )


def record_list_view(viewer, reports, *, via: str) -> int | None:
    """Log a list page that showed summaries of safeguarding-restricted reports, or any reports under
    emergency access: one event naming the report ids shown (ids only, never their text)."""
    emergency = under_emergency_access(viewer)
    traced = [r.id for r in reports if emergency or r.safeguarding_restricted]
    if not traced:
        return None
    return record_access(
        "report.list_view",
        actor=viewer,
        object_type="report_list",
        object_id=via,
        detail={"report_ids": traced[:500], "shown": len(traced), "emergency": emergency},
    )
