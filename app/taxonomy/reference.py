"""The taxonomy as a submission checks it: plain, frozen data kept per process (core.reference_data)."""

from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy import select

from app.core.reference_data import reference_data
from app.extensions import db
from app.taxonomy.models import Category, Program, Region


@dataclass(frozen=True)
class CategoryRef:
    id: int
    code: str
    is_safeguarding: bool
    is_stop_the_line: bool
    active: bool
    is_clinical: bool = False


@dataclass(frozen=True)
class ProgramRef:
    id: int
    region_id: int | None

    def serves(self, region_id: int) -> bool:
        return self.region_id is None or self.region_id == region_id


@dataclass(frozen=True)
class TaxonomyReference:
    categories_by_id: MappingProxyType  # every category, active or not
    active_categories: MappingProxyType  # active ones, by code and by id
    active_programs: MappingProxyType  # by id
    active_region_ids: frozenset[int]


@reference_data(Category, Program, Region)
def taxonomy_reference() -> TaxonomyReference:
    categories = [
        CategoryRef(row.id, row.code, row.is_safeguarding, row.is_stop_the_line, row.active, row.is_clinical)
        for row in db.session.execute(
            select(
                Category.id,
                Category.code,
                Category.is_safeguarding,
                Category.is_stop_the_line,
                Category.active,
                Category.is_clinical,
            )
        )
    ]
    programs = [
        ProgramRef(row.id, row.region_id)
        for row in db.session.execute(select(Program.id, Program.region_id).where(Program.active))
    ]
    return TaxonomyReference(
        categories_by_id=MappingProxyType({c.id: c for c in categories}),
        active_categories=MappingProxyType(
            {key: c for c in categories if c.active for key in (c.code, c.id)}
        ),
        active_programs=MappingProxyType({p.id: p for p in programs}),
        active_region_ids=frozenset(db.session.scalars(select(Region.id).where(Region.active))),
    )
