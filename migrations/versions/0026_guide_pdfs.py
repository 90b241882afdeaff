"""guide pdfs: each published cue guide drawn once per paper size, so a download serves stored bytes

Revision ID: 0026_guide_pdfs
Revises: 0025_first_due_and_seen
Create Date: 2026-11-30 14:20:00

``guide_pdfs`` holds one row per role and paper size: the PDF, its page count, the guide version it
shows (none for the built-in default) and a fingerprint (SHA-256 of the printable HTML and the
renderer's version) that must match for the bytes to be served. A new table: nothing else changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_guide_pdfs"
down_revision = "0025_first_due_and_seen"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "guide_pdfs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("size", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_pdfs")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_guide_pdfs_fingerprint")),
    )
    op.create_index(op.f("ix_guide_pdfs_role"), "guide_pdfs", ["role"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_guide_pdfs_role"), table_name="guide_pdfs")
    op.drop_table("guide_pdfs")
