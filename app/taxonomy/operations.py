"""Adding, renaming, deactivating and reactivating regions, programs and categories.

Nothing here deletes: reports point at every row ever used, so a row that should no longer be
chosen is deactivated instead. Each change flushes and writes an audit event; callers commit.
"""

import re

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core.audit.operations import record_event
from app.core.validation import InvalidInput, Problems
from app.extensions import db
from app.taxonomy.models import Category, Program, Region

NAME_MAX = 120
CODE_MAX = 40
TEXT_MAX = 2000
SORT_ORDER_MAX = 9999
CODE_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


class TaxonomyInvalid(InvalidInput):
    """A taxonomy change was refused; ``errors`` says why, field by field."""


def _clean_name(problems: Problems, value, what: str) -> str:
    name = " ".join(str(value or "").split())
    problems.need("name", bool(name), f"Give the {what} a name.")
    problems.need("name", len(name) <= NAME_MAX, f"Keep the name to {NAME_MAX} characters or fewer.")
    return name


def _clean_text(problems: Problems, field: str, value) -> str:
    text = str(value or "").strip()
    problems.need(field, len(text) <= TEXT_MAX, f"Keep this to {TEXT_MAX} characters or fewer.")
    return text


def _flush_or_refuse(row, field: str, message: str) -> None:
    """Flush ``row``; losing a unique-constraint race to another admin becomes a refusal, not a 500.

    The transaction is rolled back then (as the caller would on any refusal)."""
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise TaxonomyInvalid({field: [message]}) from None


# Regions ---------------------------------------------------------------------------------------


def _region_state(region: Region) -> dict:
    return {"name": region.name, "active": region.active}


def _region_name_taken(name: str, region: Region | None) -> bool:
    query = select(Region.id).where(func.lower(Region.name) == name.lower())
    if region is not None and region.id is not None:
        query = query.where(Region.id != region.id)
    return db.session.scalar(query.limit(1)) is not None


def save_region(actor, name, *, region: Region | None = None) -> Region:
    """Add a region, or rename ``region``. Names are unique, ignoring case."""
    problems = Problems()
    name = _clean_name(problems, name, "region")
    if name and not problems:
        problems.need(
            "name", not _region_name_taken(name, region), "There is already a region with that name."
        )
    if problems:
        raise TaxonomyInvalid(problems)
    before = None if region is None else _region_state(region)
    if region is not None and region.name == name:
        return region
    region = region or Region(active=True)
    region.name = name
    _flush_or_refuse(region, "name", "There is already a region with that name.")
    record_event(
        "region.create" if before is None else "region.rename",
        actor=actor,
        object_type="region",
        object_id=region.id,
        region_id=region.id,
        before=before,
        after=_region_state(region),
    )
    return region


def set_region_active(actor, region: Region, active: bool) -> Region:
    """Deactivate a region (it leaves the report form; its reports keep it) or bring it back.

    The last active region cannot be deactivated: nobody could file a report.
    """
    if region.active != active and not active and not _other_active(Region, region.id):
        raise TaxonomyInvalid({"active": ["Keep at least one active region: reports need one."]})
    return _switch_active(actor, region, active, "region", _region_state, region_id=region.id)


# Programs --------------------------------------------------------------------------------------


def _program_state(program: Program) -> dict:
    return {"name": program.name, "region_id": program.region_id, "active": program.active}


def save_program(actor, name, region_id: int | None, *, program: Program | None = None) -> Program:
    """Add a program, or rename it or move it to another region. ``region_id`` None: every region.

    A program's name is unique among the programs a region's reporters would see together (the
    same region, or every region); a new region must exist and be active.
    """
    problems = Problems()
    name = _clean_name(problems, name, "program")
    region = db.session.get(Region, region_id) if region_id is not None else None
    if region_id is not None:
        problems.need("region_id", region is not None, "Choose one of the listed regions.")
        moving = program is None or program.region_id != region_id
        if region is not None and moving:
            problems.need("region_id", region.active, f"{region.name} is deactivated; reactivate it first.")
    if name and "name" not in problems and "region_id" not in problems:
        clash = select(Program.id).where(func.lower(Program.name) == name.lower())
        if region_id is not None:
            clash = clash.where((Program.region_id == region_id) | Program.region_id.is_(None))
        if program is not None and program.id is not None:
            clash = clash.where(Program.id != program.id)
        problems.need(
            "name",
            db.session.scalar(clash.limit(1)) is None,
            "A program with that name already runs in this region.",
        )
    if problems:
        raise TaxonomyInvalid(problems)
    before = None if program is None else _program_state(program)
    if program is not None and (program.name, program.region_id) == (name, region_id):
        return program
    program = program or Program(active=True)
    program.name = name
    program.region_id = region_id
    db.session.add(program)
    db.session.flush()
    record_event(
        "program.create" if before is None else "program.update",
        actor=actor,
        object_type="program",
        object_id=program.id,
        region_id=region_id,
        before=before,
        after=_program_state(program),
    )
    return program


def set_program_active(actor, program: Program, active: bool) -> Program:
    """Deactivate a program or bring it back (not into a deactivated region). Programs are optional
    on a report, so every program may be deactivated."""
    if program.active != active and active and program.region is not None and not program.region.active:
        raise TaxonomyInvalid(
            {
                "active": [
                    _("%(region)s is deactivated; reactivate the region first.", region=program.region.name)
                ]
            }
        )
    return _switch_active(actor, program, active, "program", _program_state, region_id=program.region_id)


# Categories ------------------------------------------------------------------------------------

_CATEGORY_FIELDS = (
    "name",
    "description",
    "examples",
    "is_safeguarding",
    "is_stop_the_line",
    "is_clinical",
    "sort_order",
)


def _category_state(category: Category) -> dict:
    state = {"code": category.code, "active": category.active}
    state.update({field: getattr(category, field) for field in _CATEGORY_FIELDS})
    return state


def save_category(
    actor,
    *,
    category: Category | None = None,
    code: str | None = None,
    name,
    description="",
    examples="",
    is_safeguarding: bool = False,
    is_stop_the_line: bool = False,
    is_clinical: bool = False,
    sort_order: int | None,
) -> Category:
    """Add a category, or edit one. The code is set once, when the category is added: reports,
    the API and settings refer to it, so editing ignores ``code``."""
    problems = Problems()
    if category is None:
        code = str(code or "").strip()
        problems.need(
            "code",
            bool(CODE_PATTERN.fullmatch(code)) and len(code) <= CODE_MAX,
            f"Give a code of lowercase letters, digits and single underscores, starting with a "
            f"letter (e.g. night_checks), up to {CODE_MAX} characters.",
        )
        if "code" not in problems:
            taken = db.session.scalar(select(Category.id).where(Category.code == code).limit(1))
            problems.need("code", taken is None, "That code is already used by another category.")
    name = _clean_name(problems, name, "category")
    if name and "name" not in problems:
        clash = select(Category.id).where(func.lower(Category.name) == name.lower())
        if category is not None:
            clash = clash.where(Category.id != category.id)
        problems.need(
            "name", db.session.scalar(clash.limit(1)) is None, "There is already a category with that name."
        )
    description = _clean_text(problems, "description", description)
    examples = _clean_text(problems, "examples", examples)
    problems.need(
        "sort_order",
        sort_order is not None and 0 <= sort_order <= SORT_ORDER_MAX,
        f"Give a whole number from 0 to {SORT_ORDER_MAX}; lower numbers are listed first.",
    )
    if problems:
        raise TaxonomyInvalid(problems)
    values = {
        "name": name,
        "description": description,
        "examples": examples,
        "is_safeguarding": bool(is_safeguarding),
        "is_stop_the_line": bool(is_stop_the_line),
        "is_clinical": bool(is_clinical),
        "sort_order": sort_order,
    }
    before = None if category is None else _category_state(category)
    if category is not None and all(getattr(category, f) == v for f, v in values.items()):
        return category
    category = category or Category(code=code, active=True)
    for field, value in values.items():
        setattr(category, field, value)
    _flush_or_refuse(category, "code", "That code is already used by another category.")
    record_event(
        "category.create" if before is None else "category.update",
        actor=actor,
        object_type="category",
        object_id=category.id,
        before=before,
        after=_category_state(category),
    )
    return category


def set_category_active(actor, category: Category, active: bool) -> Category:
    """Deactivate a category (it leaves the report form; its reports keep it) or bring it back.

    The last active category cannot be deactivated: nobody could file a report.
    """
    if category.active != active and not active and not _other_active(Category, category.id):
        raise TaxonomyInvalid({"active": ["Keep at least one active category: reports need one."]})
    return _switch_active(actor, category, active, "category", _category_state)


def _other_active(model, row_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(model.active, model.id != row_id))


def _switch_active(actor, row, active: bool, kind: str, state, *, region_id: int | None = None):
    """Deactivate or reactivate a region, program or category, auditing before and after."""
    if row.active == active:
        return row
    before = state(row)
    row.active = active
    db.session.flush()
    record_event(
        f"{kind}.reactivate" if active else f"{kind}.deactivate",
        actor=actor,
        object_type=kind,
        object_id=row.id,
        region_id=region_id,
        before=before,
        after=state(row),
    )
    return row
