"""A database of its own for a migration test, and the migrations run on it one revision at a time.

The session-wide test database (tests/conftest.py) is never touched: SQLite gets a file in the test's
temporary folder, PostgreSQL a database created for the test and dropped after it.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app import create_app
from app.config import TestConfig

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"


def revisions_in_order() -> list[str]:
    """Every revision id from the first to head (the history must be one straight line)."""
    script = ScriptDirectory(str(MIGRATIONS))
    assert len(script.get_heads()) == 1, f"the migrations have several heads: {script.get_heads()}"
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


@contextmanager
def database_of_its_own(folder: Path) -> Iterator[str]:
    """The URL of an empty database of the kind the test run uses (``TEST_DATABASE_URL``)."""
    url = make_url(TestConfig.SQLALCHEMY_DATABASE_URI)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{folder / 'migrations.sqlite3'}"
        return
    name = f"{url.database}_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def app_on(url: str) -> Flask:
    class OwnDatabase(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(OwnDatabase)


def migrate(direction: str, revision: str, directory: Path | None = None) -> None:
    """``flask db upgrade/downgrade <revision>`` in the current app context, letting errors through.

    Flask-Migrate's own functions turn an error into ``sys.exit(1)``; Alembic's commands raise it.
    """
    config = current_app.extensions["migrate"].migrate.get_config(str(directory or MIGRATIONS))
    getattr(command, direction)(config, revision)
