"""edit versions: optimistic concurrency for triage, safeguarding cases, reviews and actions

Revision ID: 0014_edit_versions
Revises: 0013_audit_chain_append
Create Date: 2026-11-30 04:45:00

Each edit form carries the version of the row it was based on; a save over a newer version is
refused instead of silently replacing the other person's answers. Each save moves ``version`` on
(``app.core.concurrency.check_version``) and SQLAlchemy's ``version_id_col`` adds
``WHERE version = <read>`` to every UPDATE, so a save that lost a race between reading and writing
is refused too. Existing rows start at version 1.

Verifications are never edited (each verdict is a new row); the action's version guards them,
because every verdict changes the action.

Adding a column with a constant default rebuilds no table on SQLite, and dropping it is a plain
``ALTER TABLE ... DROP COLUMN`` (SQLite 3.35 and later), never a batch rebuild: a rebuild of
``actions`` with foreign keys on would cascade-delete its verifications, spot checks and links.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_edit_versions"
down_revision = "0013_audit_chain_append"
branch_labels = None
depends_on = None

VERSIONED_TABLES = ("triages", "safeguarding_cases", "reviews", "actions")


def upgrade():
    for table in VERSIONED_TABLES:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade():
    for table in reversed(VERSIONED_TABLES):
        op.drop_column(table, "version")
