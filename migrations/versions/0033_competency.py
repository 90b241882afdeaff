"""competency validation: staff's confirmations that they read a version of their role's cue guide,
and the competency checks trainers record per person

Revision ID: 0033_competency
Revises: 0032_guide_languages
Create Date: 2026-11-30 21:30:00

A guide read names the guide by role, language and version number (0 is the built-in default guide,
which has no saved version); versions are never edited, so the three name one text. Its client_uuid makes
a phone's replay of the same confirmation idempotent, as for reports.
"""

import sqlalchemy as sa
from alembic import op

revision = "0033_competency"
down_revision = "0032_guide_languages"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "guide_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_uuid", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_guide_reads_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_reads")),
        sa.UniqueConstraint("client_uuid", name=op.f("uq_guide_reads_client_uuid")),
    )
    op.create_index("ix_guide_reads_user_id", "guide_reads", ["user_id"], unique=False)
    op.create_table(
        "competency_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("skill", sa.String(length=40), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_competency_checks_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["assessor_id"], ["users.id"], name=op.f("fk_competency_checks_assessor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency_checks")),
    )
    op.create_index("ix_competency_checks_user_id", "competency_checks", ["user_id"], unique=False)
    op.create_index("ix_competency_checks_checked_on", "competency_checks", ["checked_on"], unique=False)


def downgrade():
    op.drop_index("ix_competency_checks_checked_on", table_name="competency_checks")
    op.drop_index("ix_competency_checks_user_id", table_name="competency_checks")
    op.drop_table("competency_checks")
    op.drop_index("ix_guide_reads_user_id", table_name="guide_reads")
    op.drop_table("guide_reads")
