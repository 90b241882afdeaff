"""the parts of a review's automatic title, so it reads in each reader's language

Revision ID: 0037_review_title_parts
Revises: 0036_browser_language
Create Date: 2026-12-01 04:30:00

``reviews.title_parts`` holds which automatic title a review has and what fills it (app.reviews.titles);
empty for a title a person typed. Existing reviews get theirs from their English text when it is one of
the app's, for the review's kind:

- "Brief review of NM-12" (brief structured review), "Full systems review of NM-12" (full systems
  review), "Information pathway of NM-12" (pathway map);
- "Barrier review: <category> in <region>" (barrier review opened by triage for a theme), the category
  one of the ``categories`` names;
- "Cluster: <what> in <where>" (barrier review of a detected cluster): what a category name or an
  interface type in words ("scheduling change"), where a region's name or "person P-...".

Anything else stays a typed title. ``title`` itself is never changed. The downgrade drops the column.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0037_review_title_parts"
down_revision = "0036_browser_language"
branch_labels = None
depends_on = None

# The interface types as they were written into cluster titles (the code with spaces), as literals.
INTERFACE_WORDS = {
    "handover": "handover",
    "appointment follow up": "appointment_follow_up",
    "medication reconciliation": "medication_reconciliation",
    "scheduling change": "scheduling_change",
    "plan update": "plan_update",
    "other": "other",
}
ABOUT_ONE_REPORT = {
    "brief_structured_review": ("brief", re.compile(r"Brief review of NM-(\d+)")),
    "full_systems_review": ("full", re.compile(r"Full systems review of NM-(\d+)")),
    "pathway_map": ("pathway", re.compile(r"Information pathway of NM-(\d+)")),
}
THEME_PREFIX = "Barrier review: "
CLUSTER_PREFIX = "Cluster: "
PERSON = re.compile(r"person (P-[0-9A-F]+)")


def _category_and_rest(text: str, categories: list[str]) -> tuple[str, str] | None:
    """``text`` as "<a category name> in <the rest>", the longest name first."""
    for name in categories:
        rest = text.removeprefix(name)
        if rest != text and rest.startswith(" in ") and rest[4:].strip():
            return name, rest[4:]
    return None


def _cluster_parts(text: str, categories: list[str]) -> dict | None:
    found = _category_and_rest(text, categories)
    category, interface = (found[0], None) if found else (None, None)
    if found is None:
        for words, code in INTERFACE_WORDS.items():
            rest = text.removeprefix(words)
            if rest != text and rest.startswith(" in ") and rest[4:].strip():
                interface, found = code, (words, rest[4:])
                break
    if found is None:
        return None
    where = found[1]
    person = PERSON.fullmatch(where)
    return {
        "template": "cluster",
        "category": category,
        "interface": interface,
        "region": None if person else where,
        "person": person.group(1) if person else None,
    }


def title_parts(kind: str, title: str, categories: list[str]) -> dict | None:
    """The parts of ``title`` when it is the app's automatic title for a review of ``kind``."""
    if kind in ABOUT_ONE_REPORT:
        template, pattern = ABOUT_ONE_REPORT[kind]
        match = pattern.fullmatch(title)
        return {"template": template, "report": int(match.group(1))} if match else None
    if kind != "barrier_review":
        return None
    if title.startswith(THEME_PREFIX):
        found = _category_and_rest(title.removeprefix(THEME_PREFIX), categories)
        return {"template": "theme", "category": found[0], "region": found[1]} if found else None
    if title.startswith(CLUSTER_PREFIX):
        return _cluster_parts(title.removeprefix(CLUSTER_PREFIX), categories)
    return None


def _fill_title_parts() -> None:
    bind = op.get_bind()
    names = bind.execute(sa.text("SELECT name FROM categories")).scalars()
    categories = sorted({name for name in names if name}, key=len, reverse=True)
    update = sa.text("UPDATE reviews SET title_parts = :parts WHERE id = :id").bindparams(
        sa.bindparam("parts", type_=sa.JSON)
    )
    for review_id, kind, title in bind.execute(sa.text("SELECT id, kind, title FROM reviews")).all():
        parts = title_parts(kind or "", title or "", categories)
        if parts is not None:
            bind.execute(update, {"parts": parts, "id": review_id})


def upgrade():
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.add_column(sa.Column("title_parts", sa.JSON(), nullable=True))
    _fill_title_parts()


def downgrade():
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.drop_column("title_parts")
