"""push subscriptions: the devices that take alerts by Web Push, and when a notification was pushed

Revision ID: 0024_push_subscriptions
Revises: 0023_triage_downgrades
Create Date: 2026-11-30 12:10:00

``push_subscriptions`` holds one row per device that takes alerts (the browser's push endpoint, unique,
and the keys messages are encrypted to), its person, the sign-in it was made in (signing out there
removes it; SET NULL when that session row goes) and the short name its person gave it.
``notifications.pushed_at`` makes pushing a notification idempotent. The column is added in place.
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_push_subscriptions"
down_revision = "0023_triage_downgrades"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("endpoint", sa.String(length=1000), nullable=False),
        sa.Column("p256dh", sa.String(length=200), nullable=False),
        sa.Column("auth", sa.String(length=100), nullable=False),
        sa.Column("device_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_push_subscriptions_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["user_sessions.id"],
            name=op.f("fk_push_subscriptions_session_id_user_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscriptions")),
        sa.UniqueConstraint("endpoint", name=op.f("uq_push_subscriptions_endpoint")),
    )
    op.create_index("ix_push_subscriptions_user_id", "push_subscriptions", ["user_id"], unique=False)
    op.create_index("ix_push_subscriptions_session_id", "push_subscriptions", ["session_id"], unique=False)
    op.add_column("notifications", sa.Column("pushed_at", sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column("notifications", "pushed_at")
    op.drop_index("ix_push_subscriptions_session_id", table_name="push_subscriptions")
    op.drop_index("ix_push_subscriptions_user_id", table_name="push_subscriptions")
    op.drop_table("push_subscriptions")
