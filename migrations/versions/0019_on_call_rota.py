"""on-call rota: each region's shifts, and who was on call when an alert was raised

Revision ID: 0019_on_call_rota
Revises: 0018_deadline_warnings
Create Date: 2026-11-30 12:00:00

``on_call_shifts`` holds each region's rota (person, phone, from, to). A stop-the-line alert raised
while someone is on call goes to them first, alone (``stop_the_line_alerts.on_call_user_id``), then to
the region's other supervisors. The column is added in place on SQLite (no rebuild of the alerts table).
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_on_call_rota"
down_revision = "0018_deadline_warnings"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "on_call_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_on_call_shifts_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_on_call_shifts_region_id_regions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_on_call_shifts_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_on_call_shifts")),
    )
    op.create_index("ix_on_call_shifts_region_ends", "on_call_shifts", ["region_id", "ends_at"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE stop_the_line_alerts ADD COLUMN on_call_user_id INTEGER REFERENCES users (id)")
    else:
        op.add_column("stop_the_line_alerts", sa.Column("on_call_user_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_stop_the_line_alerts_on_call_user_id_users",
            "stop_the_line_alerts",
            "users",
            ["on_call_user_id"],
            ["id"],
        )


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_stop_the_line_alerts_on_call_user_id_users", "stop_the_line_alerts", type_="foreignkey")
    op.drop_column("stop_the_line_alerts", "on_call_user_id")
    op.drop_index("ix_on_call_shifts_region_ends", table_name="on_call_shifts")
    op.drop_table("on_call_shifts")
