"""cue guides per language: versions numbered per role and language, stored PDFs per language, and the
language a background-drawn evidence pack was asked in

Revision ID: 0032_guide_languages
Revises: 0031_incidents
Create Date: 2026-11-30 18:20:00

Every existing guide version, stored guide PDF and pack render is English ("en", the server default).
The unique rule on guide versions becomes (role, language, version), so the Spanish guide of a role
numbers its versions from 1. Downgrading refuses while a guide version is not English (two versions
of one role and number could not be told apart).
"""

import sqlalchemy as sa
from alembic import op

revision = "0032_guide_languages"
down_revision = "0031_incidents"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cue_guide_versions") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=5), server_default="en", nullable=False))
        batch_op.drop_constraint("uq_cue_guide_versions_role", type_="unique")
        batch_op.create_unique_constraint("uq_cue_guide_versions_role", ["role", "language", "version"])
    with op.batch_alter_table("guide_pdfs") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=5), server_default="en", nullable=False))
    with op.batch_alter_table("pack_renders") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=5), server_default="en", nullable=False))


def downgrade():
    others = op.get_bind().execute(sa.text("SELECT count(*) FROM cue_guide_versions WHERE language <> 'en'"))
    if others.scalar():
        raise RuntimeError("Refusing to downgrade: cue guide versions in other languages than English exist.")
    with op.batch_alter_table("pack_renders") as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("guide_pdfs") as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("cue_guide_versions") as batch_op:
        batch_op.drop_constraint("uq_cue_guide_versions_role", type_="unique")
        batch_op.create_unique_constraint("uq_cue_guide_versions_role", ["role", "version"])
        batch_op.drop_column("language")
