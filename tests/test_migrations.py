"""The migrations and the models describe the same schema, and a fresh install has the default data.

The seeded data is read from a database built by the migrations alone, never the session's test
database: ``_fresh_data`` (tests/conftest.py) inserts the same defaults again before every test there,
which would hide a migration that stopped inserting them.
"""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from app.core.jurisdiction import Jurisdiction, jurisdiction
from app.escalations.models import ExternalBody
from app.escalations.vocabulary import default_external_bodies
from app.extensions import db
from app.taxonomy.defaults import DEFAULT_CATEGORIES
from app.taxonomy.models import Category
from app.triage.matrix import DEFAULT_MATRIX, as_plain
from app.triage.models import TriageMatrixVersion
from tests.migrations.databases import app_on, database_of_its_own, migrate


def test_models_and_migrations_do_not_drift(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"run `flask db migrate`: models differ from migrations: {differences}"


@pytest.fixture(scope="module")
def fresh_install(tmp_path_factory):
    """An app on a database of its own that ``flask db upgrade`` alone has built."""
    with database_of_its_own(tmp_path_factory.mktemp("fresh_install")) as url:
        installed = app_on(url)
        with installed.app_context():
            migrate("upgrade", "head")
        yield installed
        with installed.app_context():
            db.engine.dispose()


def test_a_fresh_install_has_the_default_categories(fresh_install):
    with fresh_install.app_context():
        categories = db.session.scalars(select(Category).order_by(Category.sort_order)).all()
        seeded = [
            (c.code, c.name, c.description, c.examples, c.is_safeguarding, c.is_stop_the_line, c.active)
            for c in categories
        ]
        assert [c.sort_order for c in categories] == [10 * n for n in range(1, len(DEFAULT_CATEGORIES) + 1)]
    defaults = [
        (c["code"], c["name"], c["description"], c["examples"], c.get("is_safeguarding", False), False, True)
        for c in DEFAULT_CATEGORIES
    ]
    assert seeded == defaults
    assert [code for code, _, _, _, is_safeguarding, _, _ in seeded if is_safeguarding] == [
        "safeguarding_rights"
    ]


def test_a_fresh_install_has_the_default_external_bodies_and_triage_matrix(fresh_install):
    """A fresh install is American (no state yet): its four bodies active, 0004's UK ones (CQC,
    RIDDOR) deactivated, the names 0004 wrote kept."""
    with fresh_install.app_context():
        bodies = db.session.scalars(select(ExternalBody).order_by(ExternalBody.id)).all()
        active = {
            b.code: (b.name, b.due_amount, b.due_in_business_days, b.for_incidents)
            for b in bodies
            if b.active
        }
        inactive = {b.code for b in bodies if not b.active}
        here = jurisdiction()
        matrices = db.session.scalars(select(TriageMatrixVersion)).all()
        cells = [(m.version, m.cells, m.note) for m in matrices]
    assert here == Jurisdiction("us", "")
    assert set(active) == {b["code"] for b in default_external_bodies(here)}
    assert active["state_incident_system"] == ("State critical incident system", 24, False, True)
    assert active["licensing"] == ("Licensing agency", 2, True, False)
    assert active["emergency_911"] == ("911 (police, fire, EMS)", 0.25, False, False)
    assert inactive == {"cqc", "riddor"}
    assert cells == [(1, as_plain(DEFAULT_MATRIX), "Default matrix")]
