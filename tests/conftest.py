"""Shared fixtures. The schema is built by running the migrations, never by ``create_all``."""

from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.config import TestConfig
from app.core.reference_data import forget_reference_data
from app.escalations.operations import ensure_default_external_bodies
from app.extensions import db
from app.incidents.defaults import ensure_default_incident_categories
from app.taxonomy.defaults import ensure_default_categories
from app.triage.operations import current_matrix
from tests.browser_fixtures import browser, phone, playwright  # noqa: F401  (shared by e2e and deploy)
from tests.clock import (  # noqa: F401  (the pinned clock: fixtures, the `clock` marker)
    frozen_now,
    org_day,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_generate_tests,
)
from tests.factories import Factory

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def _drop_everything() -> None:
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        engine.dispose()
        database = Path(engine.url.database)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        database.parent.mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session")
def app():
    app = create_app(TestConfig)
    with app.app_context():
        _drop_everything()
        upgrade(directory=MIGRATIONS)
    return app


def _empty_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(t.name for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()
    forget_reference_data()  # the settings and taxonomy kept from the test before


@pytest.fixture(autouse=True)
def _fresh_data(request):
    """Every test starts from the state of a fresh install: what the migrations seed, nothing else."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        _empty_tables()
        ensure_default_categories()
        ensure_default_external_bodies()
        ensure_default_incident_categories()
        current_matrix()
        db.session.commit()
    yield
    with app.app_context():
        db.session.remove()


@pytest.fixture
def ctx(app):
    """An application context for tests that call operations directly."""
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(app):
    return Factory(app)
