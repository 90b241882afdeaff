"""incidents: critical-incident categories, incident records and warning links

Revision ID: 0031_incidents
Revises: 0030_jurisdiction
Create Date: 2026-11-30 17:40:00

``incident_categories`` is an editable list shaped like the CMS HCBS critical incident categories; the
defaults are inserted here (written out, not imported from the app, so what this revision writes never
changes). ``incident_records`` says a report reached the person: its category, who recorded it and
whether at triage or later. ``warning_links`` joins a near miss to a later incident it warned of.
Reports already triaged as incidents keep their class; they get a record when someone gives them a
category (the report page asks for it).
"""

import sqlalchemy as sa
from alembic import op

revision = "0031_incidents"
down_revision = "0030_jurisdiction"
branch_labels = None
depends_on = None

DEFAULTS = [
    ("abuse", "Abuse", "Verbal, physical, sexual, psychological or emotional abuse."),
    ("neglect", "Neglect", "Failure to provide the care, supervision or services the person needs."),
    ("exploitation", "Exploitation", "Exploitation, financial exploitation included."),
    ("serious_injury", "Serious injury", "An injury needing medical treatment beyond first aid."),
    (
        "medication_error",
        "Medication error",
        "A medication error leading to poison control, emergency or urgent care, hospital or death.",
    ),
    ("unexpected_death", "Unexplained or unexpected death", "A death that was not anticipated."),
    ("missing_person", "Missing person / elopement", "The person could not be found or left unsupervised."),
    (
        "restrictive_intervention",
        "Restraint or seclusion misuse",
        "Misuse or unauthorised use of restraint, seclusion or another restrictive intervention.",
    ),
    ("law_enforcement", "Law enforcement involvement", "Police were called to or involved with the person."),
    (
        "unplanned_hospitalisation",
        "Emergency or unplanned hospitalisation",
        "An emergency department visit or hospital admission that was not planned.",
    ),
]


def upgrade():
    categories = op.create_table(
        "incident_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_categories")),
        sa.UniqueConstraint("code", name=op.f("uq_incident_categories_code")),
    )
    op.create_table(
        "incident_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("recorded_via", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_incident_records_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["incident_categories.id"],
            name=op.f("fk_incident_records_category_id_incident_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_incident_records_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_records")),
        sa.UniqueConstraint("report_id", name=op.f("uq_incident_records_report_id")),
    )
    op.create_index("ix_incident_records_category_id", "incident_records", ["category_id"], unique=False)
    op.create_table(
        "warning_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("near_miss_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["near_miss_id"],
            ["reports.id"],
            name=op.f("fk_warning_links_near_miss_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["reports.id"],
            name=op.f("fk_warning_links_incident_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["linked_by_id"], ["users.id"], name=op.f("fk_warning_links_linked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_links")),
        sa.UniqueConstraint("near_miss_id", "incident_id", name=op.f("uq_warning_links_near_miss_id")),
    )
    op.create_index("ix_warning_links_near_miss_id", "warning_links", ["near_miss_id"], unique=False)
    op.create_index("ix_warning_links_incident_id", "warning_links", ["incident_id"], unique=False)
    op.bulk_insert(
        categories,
        [
            {"code": code, "name": name, "description": description, "sort_order": 10 * n, "active": True}
            for n, (code, name, description) in enumerate(DEFAULTS, start=1)
        ],
    )


def downgrade():
    op.drop_index("ix_warning_links_incident_id", table_name="warning_links")
    op.drop_index("ix_warning_links_near_miss_id", table_name="warning_links")
    op.drop_table("warning_links")
    op.drop_index("ix_incident_records_category_id", table_name="incident_records")
    op.drop_table("incident_records")
    op.drop_table("incident_categories")
