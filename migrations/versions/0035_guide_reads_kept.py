"""guide confirmations kept when a person is removed

Revision ID: 0035_guide_reads_kept
Revises: 0034_guide_publication_dates
Create Date: 2026-12-01 02:30:00

``guide_reads.user_id`` no longer cascades, as ``competency_checks.user_id`` (0034): people are
deactivated, never deleted, and a confirmation that someone read their guide is evidence a pack of a
past period counts, like their reports and checks.
"""

from alembic import op

revision = "0035_guide_reads_kept"
down_revision = "0034_guide_publication_dates"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("guide_reads") as batch_op:
        batch_op.drop_constraint("fk_guide_reads_user_id_users", type_="foreignkey")
        batch_op.create_foreign_key("fk_guide_reads_user_id_users", "users", ["user_id"], ["id"])


def downgrade():
    with op.batch_alter_table("guide_reads") as batch_op:
        batch_op.drop_constraint("fk_guide_reads_user_id_users", type_="foreignkey")
        batch_op.create_foreign_key(
            "fk_guide_reads_user_id_users", "users", ["user_id"], ["id"], ondelete="CASCADE"
        )
