"""anonymous reports: public reporting links per program, and the reports filed through them

Revision ID: 0027_anonymous_reports
Revises: 0026_guide_pdfs
Create Date: 2026-11-30 14:10:00

``reporting_links`` holds one row per link token of a program (a rotation ends the row and opens a new
one), with the link's own inactive account that its reports are filed under. ``anonymous_reports``
marks a report as anonymous: its link, the SHA-256 of its receipt code and whether its stop-the-line
alert was held back. Nothing about the sender is stored.
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_anonymous_reports"
down_revision = "0026_guide_pdfs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reporting_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=10), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("last_alert_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_reporting_links_program_id_programs")
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name=op.f("fk_reporting_links_reporter_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_reporting_links_opened_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_id"], ["users.id"], name=op.f("fk_reporting_links_ended_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_links")),
        sa.UniqueConstraint("token", name=op.f("uq_reporting_links_token")),
    )
    op.create_index("ix_reporting_links_program_id", "reporting_links", ["program_id"], unique=False)
    op.create_table(
        "anonymous_reports",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("receipt_hash", sa.String(length=64), nullable=False),
        sa.Column("alert_held", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_anonymous_reports_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["link_id"], ["reporting_links.id"], name=op.f("fk_anonymous_reports_link_id_reporting_links")
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_anonymous_reports")),
        sa.UniqueConstraint("receipt_hash", name=op.f("uq_anonymous_reports_receipt_hash")),
    )
    op.create_index("ix_anonymous_reports_link_id", "anonymous_reports", ["link_id"], unique=False)


def downgrade():
    op.drop_index("ix_anonymous_reports_link_id", table_name="anonymous_reports")
    op.drop_table("anonymous_reports")
    op.drop_index("ix_reporting_links_program_id", table_name="reporting_links")
    op.drop_table("reporting_links")
