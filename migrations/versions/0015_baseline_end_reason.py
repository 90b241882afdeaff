"""verification baseline and reason: an action's chosen baseline end, a verdict's stated reason

Revision ID: 0015_baseline_end_reason
Revises: 0014_edit_versions
Create Date: 2026-11-30 09:00:00

``actions.baseline_end`` is the day the baseline stops (exclusive), chosen so that the spike that set
the action off is not counted as "before"; empty means the default (the first week of a cluster the
action answers, else the test's start). ``verifications.reason`` is the reason given for calling an
action effective while the rate ratio's interval still includes 1.

Both are nullable columns without a default: no table is rebuilt on SQLite (a rebuild of ``actions``
with foreign keys on would cascade-delete its verifications, spot checks and links).
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_baseline_end_reason"
down_revision = "0014_edit_versions"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("actions", sa.Column("baseline_end", sa.Date(), nullable=True))
    op.add_column("verifications", sa.Column("reason", sa.Text(), nullable=True))


def downgrade():
    op.drop_column("verifications", "reason")
    op.drop_column("actions", "baseline_end")
