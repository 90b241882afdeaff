"""notifications are found by their link

Revision ID: 0028_notification_link_index
Revises: 0027_anonymous_reports
Create Date: 2026-11-30 15:10:00

Settling the work a notification asked for (and opening the thing it points to) finds notifications
by ``link``; without an index each did a scan of every notification ever sent.
"""

from alembic import op

revision = "0028_notification_link_index"
down_revision = "0027_anonymous_reports"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_notifications_link", "notifications", ["link"])


def downgrade():
    op.drop_index("ix_notifications_link", table_name="notifications")
