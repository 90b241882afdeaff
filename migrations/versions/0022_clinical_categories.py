"""clinical categories: every report in one gets a same-day nurse review

Revision ID: 0022_clinical_categories
Revises: 0021_process_measures
Create Date: 2026-11-30 12:15:00

No default category is clinical: an administrator marks the ones their nurses should see the same day.
The column is added in place (no rebuild of ``categories``, which reports refer to).
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_clinical_categories"
down_revision = "0021_process_measures"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("categories", sa.Column("is_clinical", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    op.drop_column("categories", "is_clinical")
