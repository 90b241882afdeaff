"""What a signed-in user may file against."""

from sqlalchemy import or_, select

from app.extensions import db
from app.taxonomy.models import Category, Program, Region
from app.taxonomy.vocabulary import CAPTURE_EVENT_CLASSES, InterfaceType


def active_categories() -> list[Category]:
    return list(
        db.session.scalars(
            select(Category).where(Category.active).order_by(Category.sort_order, Category.name)
        )
    )


def regions_by_name(permitted: frozenset[int] | set[int] | None = None) -> list[Region]:
    """Every region, active or not, by name; only those in ``permitted`` when it is given."""
    regions = db.session.scalars(select(Region).order_by(Region.name))
    return [region for region in regions if permitted is None or region.id in permitted]


def regions_of(user) -> list:
    """The user's active regions, by name: the regions they may choose on a new report."""
    return sorted((r for r in user.regions if r.active), key=lambda r: r.name)


def program_by_id(program_id: int) -> Program | None:
    return db.session.get(Program, program_id)


def programs_for_regions(region_ids) -> list[Program]:
    return list(
        db.session.scalars(
            select(Program)
            .where(Program.active)
            .where(or_(Program.region_id.is_(None), Program.region_id.in_(list(region_ids))))
            .order_by(Program.name)
        )
    )


def taxonomy_for(user) -> dict:
    """Categories, the user's regions and their programs, interface types and event classes."""
    regions = regions_of(user)
    return {
        "categories": [
            {
                "id": c.id,
                "code": c.code,
                "name": c.label,
                "description": c.shown_description,
                "examples": c.shown_examples,
                "is_safeguarding": c.is_safeguarding,
                "is_stop_the_line": c.is_stop_the_line,
            }
            for c in active_categories()
        ],
        "regions": [{"id": r.id, "name": r.name} for r in regions],
        "programs": [
            {"id": p.id, "name": p.name, "region_id": p.region_id}
            for p in programs_for_regions(r.id for r in regions)
        ],
        "interface_types": [{"code": t.value, "name": t.label} for t in InterfaceType],
        "event_classes": [{"code": e.value, "name": e.label} for e in CAPTURE_EVENT_CLASSES],
    }
