"""reviews get an owner and a due date

Revision ID: 0017_review_owner_due
Revises: 0016_notification_settled
Create Date: 2026-11-30 11:20:00

``reviews.owner_id`` answers for getting the review done; ``due_date`` is when (set by the review's
kind, see the settings ``review_due_days_*``), and ``first_due_date`` keeps the original when the date
is moved, so lateness stays visible. Existing reviews are owned by whoever opened them and are due by
their kind's default from the day they were opened (the organisation's settings may since differ;
the defaults are the documented starting point). Nullable columns: no table rebuild on SQLite.
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0017_review_owner_due"
down_revision = "0016_notification_settled"
branch_labels = None
depends_on = None

DEFAULT_DAYS = {
    "brief_structured_review": 7,
    "pathway_map": 14,
    "barrier_review": 30,
    "full_systems_review": 60,
}


def upgrade():
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        # SQLite adds a column with its reference in place; a batch rebuild of ``reviews`` would drop
        # the table, and with foreign keys on that cascades to ``review_reports``.
        op.execute("ALTER TABLE reviews ADD COLUMN owner_id INTEGER REFERENCES users (id)")
    else:
        op.add_column("reviews", sa.Column("owner_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_reviews_owner_id_users", "reviews", "users", ["owner_id"], ["id"])
    op.add_column("reviews", sa.Column("due_date", sa.Date(), nullable=True))
    op.add_column("reviews", sa.Column("first_due_date", sa.Date(), nullable=True))
    reviews = sa.table(
        "reviews",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("created_by_id", sa.Integer),
        sa.column("created_at", sa.DateTime),
        sa.column("owner_id", sa.Integer),
        sa.column("due_date", sa.Date),
        sa.column("first_due_date", sa.Date),
    )
    rows = connection.execute(sa.select(reviews.c.id, reviews.c.kind, reviews.c.created_by_id, reviews.c.created_at))
    for review_id, kind, created_by_id, created_at in rows.fetchall():
        due = created_at.date() + timedelta(days=DEFAULT_DAYS.get(kind, 30))
        connection.execute(
            reviews.update()
            .where(reviews.c.id == review_id)
            .values(owner_id=created_by_id, due_date=due, first_due_date=due)
        )


def downgrade():
    op.drop_column("reviews", "first_due_date")
    op.drop_column("reviews", "due_date")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_reviews_owner_id_users", "reviews", type_="foreignkey")
    op.drop_column("reviews", "owner_id")
