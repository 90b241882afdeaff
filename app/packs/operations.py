"""The access log of evidence packs: who took which pack, for which period and region (no report
data)."""

from datetime import date

from app.core.audit.operations import record_event
from app.dashboard.queries import Scope


def record_pack_download(
    first_week: date, last_week: date, region_name: str, pages: int, *, actor, **extra
) -> None:
    """The access-log entry for an evidence pack PDF (scope and size; no report data)."""
    record_event(
        "pack.download",
        actor=actor,
        object_type="pack",
        object_id="oversight",
        after={
            "from": first_week.isoformat(),
            "to": last_week.isoformat(),
            "region": region_name,
            "pages": pages,
            **extra,
        },
    )


def record_pack_export(scope: Scope, region_name: str, *, actor) -> None:
    """The access-log entry for the pack's figures taken as CSV files."""
    record_event(
        "pack.export",
        actor=actor,
        object_type="pack",
        object_id="csv",
        after={
            "from": scope.first_week.isoformat(),
            "to": scope.last_week.isoformat(),
            "region": region_name,
        },
    )


def record_oversight_export(scope, fmt: str, records: int, *, actor, via: str) -> None:
    """The access-log entry for the oversight export (period, region, format and size; no report data).
    ``via`` is "admin page" or "command line" (no actor)."""
    record_event(
        "oversight_export.download",
        actor=actor,
        object_type="pack",
        object_id="oversight_export",
        after={
            "from": scope.first_day.isoformat(),
            "to": scope.last_day.isoformat(),
            "region": scope.region_name,
            "format": fmt,
            "records": records,
            "via": via,
        },
    )
