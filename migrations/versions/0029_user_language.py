"""each person may choose the language the app speaks to them

Revision ID: 0029_user_language
Revises: 0028_notification_link_index
Create Date: 2026-11-30 17:50:00

Null follows the browser's Accept-Language (app.core.i18n.select_language).
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_user_language"
down_revision = "0028_notification_link_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("language")
