"""nurse reviews: a same-day clinical look at a report, taken by one of the region's nurses

Revision ID: 0020_nurse_reviews
Revises: 0019_on_call_rota
Create Date: 2026-11-30 12:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_nurse_reviews"
down_revision = "0019_on_call_rota"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "nurse_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_because", sa.String(length=20), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("outcome_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_nurse_reviews_owner_id_users")),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name=op.f("fk_nurse_reviews_region_id_regions")),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_nurse_reviews_report_id_reports"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_nurse_reviews_requested_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nurse_reviews")),
        sa.UniqueConstraint("report_id", name=op.f("uq_nurse_reviews_report_id")),
    )
    op.create_index(op.f("ix_nurse_reviews_region_id"), "nurse_reviews", ["region_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_nurse_reviews_region_id"), table_name="nurse_reviews")
    op.drop_table("nurse_reviews")
