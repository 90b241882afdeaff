"""The migrations and the models must describe the same schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


def test_models_and_migrations_do_not_drift(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"run `flask db migrate`: models differ from migrations: {differences}"


def test_migrations_seed_the_default_categories(app, ctx):
    from app.taxonomy.queries import active_categories

    codes = {c.code for c in active_categories()}
    assert {"medication", "safeguarding_rights", "infection_control", "other"} <= codes
    safeguarding = [c.code for c in active_categories() if c.is_safeguarding]
    assert safeguarding == ["safeguarding_rights"]
