"""The default HCBS category taxonomy, with the cue examples staff recognise a category by."""

from sqlalchemy import select

from app.extensions import db
from app.taxonomy.models import Category
from app.taxonomy.seeded import DEFAULT_CATEGORIES


def ensure_default_categories() -> list[Category]:
    """Create any default category not yet present (by code); leave edited ones alone."""
    existing = set(db.session.scalars(select(Category.code)))
    created = []
    for order, spec in enumerate(DEFAULT_CATEGORIES):
        if spec["code"] in existing:
            continue
        category = Category(sort_order=(order + 1) * 10, **spec)
        db.session.add(category)
        created.append(category)
    db.session.flush()
    return created
