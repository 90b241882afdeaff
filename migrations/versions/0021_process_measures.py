"""process measures: a counted numerator/denominator per week that verifies an action

Revision ID: 0021_process_measures
Revises: 0020_nurse_reviews
Create Date: 2026-11-30 10:45:00

``process_measures`` belongs to an action (at most one each): its name, what the numerator and the
denominator count, and which direction is better. ``process_weeks`` holds one row of counts per
measure and Monday. ``verifications.process`` keeps the process comparison a verdict was given on.

The new column is nullable without a default: no table is rebuilt on SQLite (a rebuild of
``verifications`` would not cascade, but the rule of 0015 is kept for every table of actions).
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_process_measures"
down_revision = "0020_nurse_reviews"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "process_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("numerator_label", sa.String(length=200), nullable=False),
        sa.Column("denominator_label", sa.String(length=200), nullable=False),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_process_measures_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_measures")),
        sa.UniqueConstraint("action_id", name=op.f("uq_process_measures_action_id")),
    )
    op.create_table(
        "process_weeks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("numerator", sa.Integer(), nullable=False),
        sa.Column("denominator", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "numerator >= 0 AND numerator <= denominator",
            name=op.f("ck_process_weeks_numerator_within_denominator"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["process_measures.id"],
            name=op.f("fk_process_weeks_measure_id_process_measures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_weeks")),
        sa.UniqueConstraint("measure_id", "week_start", name=op.f("uq_process_weeks_measure_id")),
    )
    op.create_index(op.f("ix_process_weeks_measure_id"), "process_weeks", ["measure_id"])
    op.add_column("verifications", sa.Column("process", sa.JSON(), nullable=True))


def downgrade():
    op.drop_column("verifications", "process")
    op.drop_index(op.f("ix_process_weeks_measure_id"), table_name="process_weeks")
    op.drop_table("process_weeks")
    op.drop_table("process_measures")
