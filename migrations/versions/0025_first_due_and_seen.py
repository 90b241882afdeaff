"""actions keep their first due date; nurse reviews record when the nurse saw the person

Revision ID: 0025_first_due_and_seen
Revises: 0024_push_subscriptions
Create Date: 2026-11-30 14:10:00

``actions.first_due_date`` keeps the original due date when an action's date is moved, so lateness
against it stays visible (as reviews already do); existing actions start from their current date.
``nurse_reviews.seen_at`` is the time the nurse gives for the review itself (the outcome may be typed
up later); existing outcomes take the time they were recorded. Plain nullable columns: no rebuild.
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_first_due_and_seen"
down_revision = "0024_push_subscriptions"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("actions", sa.Column("first_due_date", sa.Date(), nullable=True))
    op.execute("UPDATE actions SET first_due_date = due_date")
    op.add_column("nurse_reviews", sa.Column("seen_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE nurse_reviews SET seen_at = outcome_at")


def downgrade():
    op.drop_column("nurse_reviews", "seen_at")
    op.drop_column("actions", "first_due_date")
