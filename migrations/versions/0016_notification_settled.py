"""notifications settle: the work a notification asked for is done

Revision ID: 0016_notification_settled
Revises: 0015_baseline_end_reason
Create Date: 2026-11-30 11:00:00

``notifications.settled_at``/``settled_as`` record that the work behind a notification was done
(an alert acknowledged, a case decided, an action done or verified), by whoever did it: the inbox
then shows it as such and no longer counts it. Stop-the-line titles lose their "needs acknowledging"
suffix (the state is now shown beside the title), and notifications of alerts already acknowledged
and cases already decided are settled at the time that happened.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_notification_settled"
down_revision = "0015_baseline_end_reason"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("notifications", sa.Column("settled_at", sa.DateTime(), nullable=True))
    op.add_column("notifications", sa.Column("settled_as", sa.String(length=40), nullable=True))
    op.execute(
        "UPDATE notifications SET title = substr(title, 1, length(title) - length(' needs acknowledging')) "
        "WHERE kind IN ('stop_the_line', 'stop_the_line_escalated') AND title LIKE '% needs acknowledging'"
    )
    op.execute(
        "UPDATE notifications SET settled_as = 'acknowledged', settled_at = ("
        "SELECT a.acknowledged_at FROM stop_the_line_alerts a "
        "WHERE notifications.link = '/alerts/' || CAST(a.id AS VARCHAR(20))) "
        "WHERE kind IN ('stop_the_line', 'stop_the_line_escalated') AND EXISTS ("
        "SELECT 1 FROM stop_the_line_alerts a WHERE notifications.link = '/alerts/' || CAST(a.id AS VARCHAR(20)) "
        "AND a.acknowledged_at IS NOT NULL)"
    )
    op.execute(
        "UPDATE notifications SET settled_as = 'decided', settled_at = ("
        "SELECT c.decided_at FROM safeguarding_cases c "
        "WHERE notifications.link = '/safeguarding/' || CAST(c.id AS VARCHAR(20))) "
        "WHERE kind = 'safeguarding' AND EXISTS ("
        "SELECT 1 FROM safeguarding_cases c WHERE notifications.link = '/safeguarding/' || CAST(c.id AS VARCHAR(20)) "
        "AND c.decided_at IS NOT NULL)"
    )


def downgrade():
    op.drop_column("notifications", "settled_as")
    op.drop_column("notifications", "settled_at")
