"""default HCBS near-miss categories

Revision ID: 0002_default_categories
Revises: 0001_initial_schema
Create Date: 2026-11-26

A fresh install can take reports at once: the categories of the default taxonomy are inserted
(any already present by code are left alone).

The rows are written out here, not imported from the app: what a revision writes must never change,
whatever later becomes of ``app.taxonomy.defaults`` (they were equal to its ``DEFAULT_CATEGORIES`` when
copied, so existing installs got exactly these).
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_default_categories"
down_revision = "0001_initial_schema"
branch_labels = None
depends_on = None

categories = sa.table(
    "categories",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("description", sa.Text),
    sa.column("examples", sa.Text),
    sa.column("is_safeguarding", sa.Boolean),
    sa.column("is_stop_the_line", sa.Boolean),
    sa.column("sort_order", sa.Integer),
    sa.column("active", sa.Boolean),
)
reports = sa.table("reports", sa.column("category_id", sa.Integer))

DEFAULT_CATEGORIES = [
    {
        "code": "medication",
        "name": "Medication",
        "description": "A discrepancy or unsafe condition caught before a dose was given.",
        "examples": "Wrong dose on the label caught at the MAR check; a discontinued tablet still in the "
        "blister pack; two people's medicines stored together.",
        "is_safeguarding": False,
        "sort_order": 10,
    },
    {
        "code": "skin_integrity",
        "name": "Skin integrity / early deterioration",
        "description": "Early signs of deterioration that nobody had recorded or handed over.",
        "examples": "Redness on a heel not in the handover; a person more drowsy than usual; fluid intake "
        "chart not kept.",
        "is_safeguarding": False,
        "sort_order": 20,
    },
    {
        "code": "falls_mobility",
        "name": "Falls and mobility",
        "description": "A fall that nearly happened or a transfer that nearly went wrong.",
        "examples": "Hoist sling the wrong size; a rug curled on the stairs; walking frame out of reach.",
        "is_safeguarding": False,
        "sort_order": 30,
    },
    {
        "code": "equipment_environment",
        "name": "Equipment and environment",
        "description": "Unsafe equipment, home hazards or security lapses.",
        "examples": "Sharps cabinet left unlocked; bed rail loose; smoke alarm without a battery.",
        "is_safeguarding": False,
        "sort_order": 40,
    },
    {
        "code": "scheduling_rota",
        "name": "Scheduling and rota",
        "description": "Visits that nearly went wrong because of the schedule.",
        "examples": "Wrong address on the rota; a double-handed call booked for one worker; a visit dropped "
        "after a change and caught by a call.",
        "is_safeguarding": False,
        "sort_order": 50,
    },
    {
        "code": "transport",
        "name": "Transport",
        "description": "Transport plans missed or unsafe, caught in time.",
        "examples": "Transport to dialysis not booked, noticed the day before; wheelchair clamps missing in "
        "the vehicle.",
        "is_safeguarding": False,
        "sort_order": 60,
    },
    {
        "code": "handover_documentation",
        "name": "Handover and documentation",
        "description": "Information that did not pass between shifts or into the record.",
        "examples": "Care plan change not in the visit notes; allergy missing on the summary sheet.",
        "is_safeguarding": False,
        "sort_order": 70,
    },
    {
        "code": "appointment_follow_up",
        "name": "Appointment follow-up",
        "description": "Clinic letters, referrals or results nobody acted on, caught in time.",
        "examples": "Blood test results not chased; a clinic letter changing a dose sitting unread.",
        "is_safeguarding": False,
        "sort_order": 80,
    },
    {
        "code": "safeguarding_rights",
        "name": "Safeguarding and rights",
        "description": "Boundary issues, exploitation attempts, restrictive practice, neglect signals.",
        "examples": "A visitor asking for the person's bank card; a door locked without a plan; food "
        "withheld as a 'consequence'.",
        "is_safeguarding": True,
        "sort_order": 90,
    },
    {
        "code": "infection_control",
        "name": "Infection control",
        "description": "Breaks in infection prevention that nearly caused harm.",
        "examples": "No gloves or aprons left at the home; a catheter bag on the floor.",
        "is_safeguarding": False,
        "sort_order": 100,
    },
    {
        "code": "other",
        "name": "Other",
        "description": "Anything that could have caused harm, a rights restriction or a serious service "
        "failure if something had not stopped it.",
        "examples": "",
        "is_safeguarding": False,
        "sort_order": 110,
    },
]


def upgrade():
    bind = op.get_bind()
    existing = set(bind.execute(sa.select(categories.c.code)).scalars())
    rows = [
        {**spec, "is_stop_the_line": False, "active": True}
        for spec in DEFAULT_CATEGORIES
        if spec["code"] not in existing
    ]
    if rows:
        op.bulk_insert(categories, rows)


def downgrade():
    """Take out the default categories again, except those reports use: those are kept with them."""
    codes = [spec["code"] for spec in DEFAULT_CATEGORIES]
    in_use = sa.select(reports.c.category_id).where(reports.c.category_id.is_not(None))
    op.execute(categories.delete().where(categories.c.code.in_(codes), categories.c.id.not_in(in_use)))
