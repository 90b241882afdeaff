"""when each cue guide version was last published, and competency checks kept when a person is removed

Revision ID: 0034_guide_publication_dates
Revises: 0033_competency
Create Date: 2026-12-01 01:00:00

``cue_guide_versions.published_at`` says which version was printed at a past moment (the evidence pack
counts the confirmations of the guide printed at its period's end). It is filled from the audit trail:
the latest ``guide.publish`` event of the version, or its ``guide.save`` event when it was published as
it was saved (an event's object is "role:language:version", or "role:version" before guides had
languages, when every guide was English). A published version without such an event gets its creation
time; a version never published stays empty.

``competency_checks.user_id`` no longer cascades: people are deactivated, never deleted, and a person's
check history is a record like their reports (whose foreign keys to users do not cascade either).
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0034_guide_publication_dates"
down_revision = "0033_competency"
branch_labels = None
depends_on = None


def _version_named(object_id: str | None) -> tuple[str, str, str] | None:
    parts = (object_id or "").split(":")
    if len(parts) == 2:
        return parts[0], "en", parts[1]
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    return None


def _published_in_save(after: str | None) -> bool:
    try:
        return bool(json.loads(after or "{}").get("published"))
    except (ValueError, AttributeError):
        return False


def _fill_published_at() -> None:
    bind = op.get_bind()
    events = bind.execute(
        sa.text(
            "SELECT action, object_id, after, occurred_at FROM audit_events "
            "WHERE object_type = 'guide' AND action IN ('guide.publish', 'guide.save') ORDER BY seq"
        )
    )
    last_published = {}
    for action, object_id, after, occurred_at in events:
        key = _version_named(object_id)
        if key is None or (action == "guide.save" and not _published_in_save(after)):
            continue
        last_published[key] = occurred_at  # in chain order: the last one wins
    versions = bind.execute(
        sa.text("SELECT id, role, language, version, published, created_at FROM cue_guide_versions")
    )
    for version_id, role, language, number, published, created_at in versions.all():
        when = last_published.get((role, language, str(number)))
        if when is None and published:
            when = created_at
        if when is not None:
            bind.execute(
                sa.text("UPDATE cue_guide_versions SET published_at = :when WHERE id = :id"),
                {"when": when, "id": version_id},
            )


def upgrade():
    with op.batch_alter_table("cue_guide_versions") as batch_op:
        batch_op.add_column(sa.Column("published_at", sa.DateTime(), nullable=True))
    _fill_published_at()
    with op.batch_alter_table("competency_checks") as batch_op:
        batch_op.drop_constraint("fk_competency_checks_user_id_users", type_="foreignkey")
        batch_op.create_foreign_key("fk_competency_checks_user_id_users", "users", ["user_id"], ["id"])


def downgrade():
    with op.batch_alter_table("competency_checks") as batch_op:
        batch_op.drop_constraint("fk_competency_checks_user_id_users", type_="foreignkey")
        batch_op.create_foreign_key(
            "fk_competency_checks_user_id_users", "users", ["user_id"], ["id"], ondelete="CASCADE"
        )
    with op.batch_alter_table("cue_guide_versions") as batch_op:
        batch_op.drop_column("published_at")
