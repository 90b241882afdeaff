"""Upgrading and downgrading a populated database keeps every row (issue 14, point 6).

The walk builds the first revision, then moves one revision at a time to head. Before each step every
table that exists gets one more plausible row (``rows.PlausibleRows`` reads the schema, so a revision
added later is covered with no new fixture); after it, every row is still there with its id and values.
Each revision is also downgraded on that populated database: the schema is the older one again and its
tables keep their rows (only rows the upgrade itself seeded may go), or the downgrade refuses with a
message that starts "Refusing to" and leaves the database as it was. Then it is upgraded again.

Runs on the database kind of the test run (SQLite, or PostgreSQL when TEST_DATABASE_URL names one), in
a database of its own.
"""

import shutil
from itertools import pairwise

import pytest
from sqlalchemy import MetaData, text

from app.config import TestConfig
from app.extensions import db
from tests.migrations.databases import MIGRATIONS, app_on, database_of_its_own, migrate, revisions_in_order
from tests.migrations.rows import PlausibleRows, State, added, lost_or_changed, schema, state

REFUSAL = "Refusing to "


class Walk:
    """The database at one revision after another; each revision's schema is reflected once.

    Coming back to a revision (after a downgrade, or upgrading again) checks that the tables and columns
    are the ones first reflected there.
    """

    def __init__(self) -> None:
        self.schemas: dict[str, MetaData] = {}
        self.rows = PlausibleRows()

    def migrate(self, direction: str, revision: str) -> State:
        migrate(direction, revision)
        with db.engine.connect() as connection:
            if revision not in self.schemas:
                self.schemas[revision] = schema(connection)
            return state(connection, self.schemas[revision])

    def add_rows(self, now: State) -> State:
        """One more row in every table; adding rows does not change the schema."""
        with db.engine.begin() as connection:
            self.rows.add_to_every_table(connection, now.metadata)
            return state(connection, now.metadata)

    @staticmethod
    def current() -> State:
        with db.engine.connect() as connection:
            return state(connection, schema(connection))


def _assert_kept(before: State, after: State, step: str, *, may_go: dict[str, set] | None = None) -> None:
    problems = lost_or_changed(before, after, may_go=may_go)
    assert not problems, f"{step} lost or changed rows:\n" + "\n".join(problems)


def test_every_revision_keeps_the_rows_of_a_populated_database(tmp_path):
    revisions = revisions_in_order()
    with database_of_its_own(tmp_path) as url:
        app = app_on(url)
        with app.app_context():
            walk = Walk()
            now = walk.migrate("upgrade", revisions[0])
            for older, newer in pairwise(revisions):
                populated = walk.add_rows(now)
                upgraded = walk.migrate("upgrade", newer)
                _assert_kept(populated, upgraded, f"upgrading {older} to {newer}")
                seeded = added(populated, upgraded)

                now = walk.add_rows(upgraded)
                try:
                    downgraded = walk.migrate("downgrade", older)
                except Exception as refusal:  # any error must be a clear refusal
                    assert str(refusal).startswith(REFUSAL), f"downgrading {newer} failed: {refusal!r}"
                    assert walk.current() == now, f"{newer}'s refused downgrade changed the database"
                    continue
                _assert_kept(now, downgraded, f"downgrading {newer} to {older}", may_go=seeded)

                now = walk.migrate("upgrade", newer)
                _assert_kept(downgraded, now, f"upgrading {older} to {newer} after a downgrade")
            db.engine.dispose()


ONLY_SQLITE = pytest.mark.skipif(
    not TestConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite"),
    reason="only SQLite lets a row point at nothing",
)
ORPHANING_REVISION = """
from alembic import op

revision = "zz_orphans"
down_revision = "{head}"


def upgrade():
    op.execute("DELETE FROM users")  # what a table rebuild with foreign keys on would do, minus the cascade
"""


@ONLY_SQLITE
def test_a_migration_that_leaves_rows_pointing_at_nothing_is_refused_and_undone(tmp_path):
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    head = revisions_in_order()[-1]
    (migrations / "versions" / "zz_orphans.py").write_text(ORPHANING_REVISION.format(head=head))
    with database_of_its_own(tmp_path) as url:
        app = app_on(url)
        with app.app_context():
            walk = Walk()
            before = walk.add_rows(walk.migrate("upgrade", head))
            with pytest.raises(RuntimeError, match=r"^Refusing to migrate: .*user_roles to missing users"):
                migrate("upgrade", "zz_orphans", directory=migrations)
            assert Walk.current() == before
            with db.engine.connect() as connection:
                assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
            db.engine.dispose()


@ONLY_SQLITE
def test_rows_pointing_at_nothing_before_the_migrations_do_not_stop_them(tmp_path):
    first, second = revisions_in_order()[:2]
    with database_of_its_own(tmp_path) as url:
        app = app_on(url)
        with app.app_context():
            migrate("upgrade", first)
            with db.engine.connect() as connection:
                connection.execute(text("PRAGMA foreign_keys=OFF"))
                connection.execute(text("INSERT INTO user_roles (user_id, role) VALUES (404, 'dsp')"))
                connection.commit()
                connection.execute(text("PRAGMA foreign_keys=ON"))
            migrate("upgrade", second)
            with db.engine.connect() as connection:
                assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == second
            db.engine.dispose()


def test_downgrading_the_default_categories_keeps_the_ones_reports_use(tmp_path):
    with database_of_its_own(tmp_path) as url:
        app = app_on(url)
        with app.app_context():
            walk = Walk()
            walk.add_rows(walk.migrate("upgrade", "0002_default_categories"))
            with db.engine.begin() as connection:
                medication = "SELECT id FROM categories WHERE code = 'medication'"
                connection.execute(text(f"UPDATE reports SET category_id = ({medication})"))  # noqa: S608
            downgraded = walk.migrate("downgrade", "0001_initial_schema")
            codes = {row["code"] for row in downgraded.rows["categories"].values()}
            assert len(downgraded.rows["reports"]) == 1
            assert "medication" in codes
            assert "transport" not in codes
            db.engine.dispose()
