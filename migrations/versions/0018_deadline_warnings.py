"""deadline warnings: how far each duty's and safeguarding decision's clock has been told

Revision ID: 0018_deadline_warnings
Revises: 0017_review_owner_due
Create Date: 2026-11-30 11:40:00

``deadline_stage`` on external duties and safeguarding cases records which warnings (at the set
shares of the time allowed) and whether the breach escalation have been sent, so each is sent once.
``external_duties.identified_by_id`` is who identified the duty (its owner for warnings), empty when
the system did. Columns only; SQLite adds them in place (no rebuild of a table others cascade from).
Open clocks already past their time are warned about and escalated at the first clock check after
the upgrade: nobody had been told.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_deadline_warnings"
down_revision = "0017_review_owner_due"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("external_duties", "safeguarding_cases"):
        op.add_column(table, sa.Column("deadline_stage", sa.Integer(), server_default="0", nullable=False))
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE external_duties ADD COLUMN identified_by_id INTEGER REFERENCES users (id)")
    else:
        op.add_column("external_duties", sa.Column("identified_by_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_external_duties_identified_by_id_users", "external_duties", "users", ["identified_by_id"], ["id"]
        )


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_external_duties_identified_by_id_users", "external_duties", type_="foreignkey")
    op.drop_column("external_duties", "identified_by_id")
    for table in ("external_duties", "safeguarding_cases"):
        op.drop_column(table, "deadline_stage")
