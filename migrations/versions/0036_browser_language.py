"""the language a person's browser last asked for, kept for what is written to them later

Revision ID: 0036_browser_language
Revises: 0035_guide_reads_kept
Create Date: 2026-12-01 04:40:00

A person who never chose a language (``users.language`` null) reads the pages in their browser's
Accept-Language; notifications, e-mails and pushes are written when they are not the one asking, so
the language their browser last asked for is kept here (set at sign-in and when it changes, never on
every request). Null until they next sign in or open a page: they are then written to in the
organisation's default language (app.core.i18n.language_of).
"""

import sqlalchemy as sa
from alembic import op

revision = "0036_browser_language"
down_revision = "0035_guide_reads_kept"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("browser_language", sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("browser_language")
