"""triage downgrades: why a high potential or clustered report got less than a barrier review

Revision ID: 0023_triage_downgrades
Revises: 0022_clinical_categories
Create Date: 2026-11-30 10:45:00

``triages.downgrade_reason`` is a ``DowngradeReason`` code, ``downgrade_text`` the triager's
explanation, ``downgrade_from`` and ``downgrade_to`` the review levels (the matrix's proposal or
floor, and the level chosen). All empty for a triage at or above the floor, as every earlier one is.

Nullable columns without a default: no table is rebuilt on SQLite.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_triage_downgrades"
down_revision = "0022_clinical_categories"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("triages", sa.Column("downgrade_reason", sa.String(40), nullable=True))
    op.add_column("triages", sa.Column("downgrade_text", sa.Text(), nullable=True))
    op.add_column("triages", sa.Column("downgrade_from", sa.String(30), nullable=True))
    op.add_column("triages", sa.Column("downgrade_to", sa.String(30), nullable=True))


def downgrade():
    for column in ("downgrade_to", "downgrade_from", "downgrade_text", "downgrade_reason"):
        op.drop_column("triages", column)
