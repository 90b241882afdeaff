"""default HCBS near-miss categories

Revision ID: 0002_default_categories
Revises: 0001_initial_schema
Create Date: 2026-11-26

A fresh install can take reports at once: the categories of the default taxonomy are inserted
(any already present by code are left alone).
"""

import sqlalchemy as sa
from alembic import op

from app.taxonomy.defaults import DEFAULT_CATEGORIES

revision = "0002_default_categories"
down_revision = "0001_initial_schema"
branch_labels = None
depends_on = None

categories = sa.table(
    "categories",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("description", sa.Text),
    sa.column("examples", sa.Text),
    sa.column("is_safeguarding", sa.Boolean),
    sa.column("is_stop_the_line", sa.Boolean),
    sa.column("sort_order", sa.Integer),
    sa.column("active", sa.Boolean),
)


def upgrade():
    bind = op.get_bind()
    existing = set(bind.execute(sa.select(categories.c.code)).scalars())
    rows = [
        {
            "code": spec["code"],
            "name": spec["name"],
            "description": spec["description"],
            "examples": spec["examples"],
            "is_safeguarding": spec.get("is_safeguarding", False),
            "is_stop_the_line": spec.get("is_stop_the_line", False),
            "sort_order": (order + 1) * 10,
            "active": True,
        }
        for order, spec in enumerate(DEFAULT_CATEGORIES)
        if spec["code"] not in existing
    ]
    if rows:
        op.bulk_insert(categories, rows)


def downgrade():
    codes = [spec["code"] for spec in DEFAULT_CATEGORIES]
    op.execute(categories.delete().where(categories.c.code.in_(codes)))
