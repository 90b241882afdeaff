"""the weekly review's incidents and triage downgrades found by partial indexes

Revision ID: 0038_dashboard_partial_indexes
Revises: 0037_review_title_parts
Create Date: 2026-12-01 04:10:00

The weekly review (``/dashboard``) says how many incidents of the period had no near miss as their
warning first and how many triages were downgraded. Both are a few rows among a period's reports and
triages (at 1,000,000 reports, 166,000 in 26 weeks): an index on only those rows answers each at once,
where the statements read every report of the period (100-250 ms) and every triage (40-80 ms).
"""

import sqlalchemy as sa
from alembic import op

revision = "0038_dashboard_partial_indexes"
down_revision = "0037_review_title_parts"
branch_labels = None
depends_on = None


def upgrade():
    incident = sa.text("event_class = 'incident'")
    op.create_index(
        "ix_reports_incident_occurred",
        "reports",
        ["occurred_at"],
        unique=False,
        postgresql_where=incident,
        sqlite_where=incident,
    )
    downgraded = sa.text("downgrade_reason IS NOT NULL")
    op.create_index(
        "ix_triages_downgraded_at",
        "triages",
        ["triaged_at"],
        unique=False,
        postgresql_where=downgraded,
        sqlite_where=downgraded,
    )


def downgrade():
    op.drop_index("ix_triages_downgraded_at", table_name="triages")
    op.drop_index("ix_reports_incident_occurred", table_name="reports")
