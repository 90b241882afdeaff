"""the organisation's jurisdiction (local vocabulary): United States by default, with the state

Revision ID: 0030_jurisdiction
Revises: 0029_user_language
Create Date: 2026-11-30 18:00:00

What an existing install gets:

- a ``jurisdiction`` settings row, unless one is there: the United Kingdom when the business-day
  calendar says GB, another country's plain words when it names a country other than the US or GB,
  else the United States with the calendar's state (none when the calendar has none);
- the jurisdiction's default external bodies that are missing, added by code (for the US: 911). The
  bodies already there are not renamed or changed, and in an install that has reports they stay as
  their administrators left them - CQC and RIDDOR, which every install got from 0004, included
  (Admin -> External reporting bodies deactivates them). Only an install without a single report (a
  fresh one) has the other jurisdictions' bodies deactivated, so it starts with its own four;
- in an install without a single report, outside the UK, the default categories whose words are
  still exactly 0002's get American ones ("Scheduling and rota" -> "Scheduling and staffing", hoist -> Hoyer lift,
  blister pack -> bubble pack...). An install that has reports keeps its categories' words: its staff
  know them, and its administrators edit them on Admin -> Categories.

The rows are written out here, not imported from the app (see 0002 and 0004). Downgrading removes the
settings row and puts the categories' 0002 words back where they are still this revision's; the
bodies added stay (duties may name them).
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0030_jurisdiction"
down_revision = "0029_user_language"
branch_labels = None
depends_on = None

settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.Text))
bodies = sa.table(
    "external_bodies",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("due_amount", sa.Float),
    sa.column("due_in_business_days", sa.Boolean),
    sa.column("for_incidents", sa.Boolean),
    sa.column("active", sa.Boolean),
)
reports = sa.table("reports", sa.column("id", sa.Integer))
categories = sa.table(
    "categories",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("description", sa.Text),
    sa.column("examples", sa.Text),
)

STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana",
    "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri",
    "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio",
    "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah",
    "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "PR": "Puerto Rico",
}  # fmt: skip


def _bodies(kind, state):
    named = state in STATES
    return {
        "us": [
            (
                "state_incident_system",
                f"{STATES[state]} critical incident system" if named else "State critical incident system",
                24,
                False,
                True,
            ),
            ("adult_protective_services", "Adult protective services", 24, False, False),
            ("licensing", f"{STATES[state]} licensing agency" if named else "Licensing agency", 2, True, False),
            ("emergency_911", "911 (police, fire, EMS)", 0.25, False, False),
        ],
        "uk": [
            (
                "local_authority_safeguarding",
                "Local authority safeguarding (Care Act s42 enquiry)",
                24,
                False,
                False,
            ),
            ("cqc", "CQC notification (Registration Regulation 18)", 24, False, True),
            ("riddor", "RIDDOR dangerous occurrence (HSE)", 10, True, False),
            ("emergency_999", "999 (police, fire, ambulance)", 0.25, False, False),
        ],
        "other": [
            ("incident_authority", "Incident reporting authority", 24, False, True),
            ("adult_safeguarding_authority", "Adult safeguarding authority", 24, False, False),
            ("regulator", "Licensing or regulatory body", 2, True, False),
            ("emergency_services", "Emergency services", 0.25, False, False),
        ],
    }[kind]


# code -> (column, 0002's words, American words)
AMERICAN_WORDS = [
    (
        "medication",
        "examples",
        "Wrong dose on the label caught at the MAR check; a discontinued tablet still in the blister pack; "
        "two people's medicines stored together.",
        "Wrong dose on the label caught at the MAR check; a discontinued tablet still in the bubble pack; "
        "two people's medicines stored together.",
    ),
    (
        "falls_mobility",
        "examples",
        "Hoist sling the wrong size; a rug curled on the stairs; walking frame out of reach.",
        "Hoyer lift sling the wrong size; a rug curled on the stairs; walker out of reach; wet floor; "
        "wheelchair brakes not on.",
    ),
    ("scheduling_rota", "name", "Scheduling and rota", "Scheduling and staffing"),
    (
        "scheduling_rota",
        "examples",
        "Wrong address on the rota; a double-handed call booked for one worker; a visit dropped after a "
        "change and caught by a call.",
        "Wrong address on the schedule; a two-person visit booked for one worker; a shift left uncovered; "
        "a visit dropped after a change and caught by a phone call.",
    ),
    (
        "appointment_follow_up",
        "description",
        "Clinic letters, referrals or results nobody acted on, caught in time.",
        "Clinic letters, doctor's orders, referrals or results nobody acted on, caught in time.",
    ),
    (
        "appointment_follow_up",
        "examples",
        "Blood test results not chased; a clinic letter changing a dose sitting unread.",
        "Blood test results not followed up; a letter from the clinic changing a dose sitting unread.",
    ),
]


def _chosen(bind):
    stored = bind.execute(sa.select(settings.c.value).where(settings.c.key == "jurisdiction")).scalar()
    if stored is not None:
        value = json.loads(stored)
        return value.get("kind", "us"), value.get("state", ""), False
    calendar = bind.execute(
        sa.select(settings.c.value).where(settings.c.key == "business_day_calendar")
    ).scalar()
    calendar = json.loads(calendar) if calendar else {"country": "US", "subdivision": ""}
    country = (calendar.get("country") or "US").upper()
    if country == "GB":
        return "uk", "", True
    if country != "US":
        return "other", "", True
    state = (calendar.get("subdivision") or "").upper()
    return "us", state if state in STATES else "", True


def upgrade():
    bind = op.get_bind()
    kind, state, new = _chosen(bind)
    if new:
        op.bulk_insert(
            settings, [{"key": "jurisdiction", "value": json.dumps({"kind": kind, "state": state})}]
        )
    present = set(bind.execute(sa.select(bodies.c.code)).scalars())
    missing = [
        {
            "code": code,
            "name": name,
            "due_amount": due,
            "due_in_business_days": business,
            "for_incidents": incidents,
            "active": True,
        }
        for code, name, due, business, incidents in _bodies(kind, state)
        if code not in present
    ]
    if missing:
        op.bulk_insert(bodies, missing)
    if bind.execute(sa.select(sa.func.count()).select_from(reports)).scalar():
        return
    own = [code for code, *_ in _bodies(kind, state)]
    op.execute(bodies.update().where(bodies.c.code.not_in(own)).values(active=False))
    if kind != "uk":
        for code, column, before, after in AMERICAN_WORDS:
            op.execute(
                categories.update()
                .where(categories.c.code == code, categories.c[column] == before)
                .values({column: after})
            )


def downgrade():
    op.execute(settings.delete().where(settings.c.key == "jurisdiction"))
    for code, column, before, after in AMERICAN_WORDS:
        op.execute(
            categories.update()
            .where(categories.c.code == code, categories.c[column] == after)
            .values({column: before})
        )
