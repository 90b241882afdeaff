"""Alembic's environment for Flask-Migrate.

On SQLite the migrations run on a connection of their own with foreign keys OFF, in one transaction.
The app turns foreign keys on for every connection, but a batch operation rebuilds a table (create a
copy, copy the rows, drop the original, rename the copy), and dropping the original with foreign keys
on deletes the rows of every table that refers to it with ON DELETE CASCADE and fails on the others:
0004 rebuilds ``reports`` (its photos went), 0010 rebuilds ``users`` (roles, regions and sessions went).
SQLite ignores ``PRAGMA foreign_keys`` inside a transaction, so it is set when the connection opens,
before the transaction begins. After the migrations ``PRAGMA foreign_key_check`` must find no new row
pointing at nothing; if it does, everything is rolled back and the command fails naming the rows.

A revision that cannot keep the data of a populated database when it runs raises an error whose message
starts "Refusing to" and says why; being in one transaction, the database is left as it was.
"""

import logging
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from flask import current_app

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def get_engine():
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    engine = get_engine()
    if engine.dialect.name != "sqlite":
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)
            with context.begin_transaction():
                context.run_migrations()
        return

    sqlite_engine = sqlite_migration_engine(engine.url)
    try:
        with sqlite_engine.connect() as connection:
            context.configure(
                connection=connection, target_metadata=get_metadata(), transactional_ddl=True, **conf_args
            )
            with context.begin_transaction():
                dangling_before = rows_pointing_at_nothing(connection)
                context.run_migrations()
                refuse_new_rows_pointing_at_nothing(connection, dangling_before)
    finally:
        sqlite_engine.dispose()


def sqlite_migration_engine(url):
    """Connections with foreign keys off and transactions that cover DDL too.

    pysqlite begins transactions by itself only before INSERT/UPDATE/DELETE, so a failed batch rebuild
    would leave its ``_alembic_tmp_`` copy behind; here the driver's own handling is off and a
    ``BEGIN IMMEDIATE`` (the write lock at once, so a running app cannot slip in between) starts each
    transaction (SQLAlchemy's recipe for SQLite's transactional DDL).
    """
    sqlite_engine = sa.create_engine(url, poolclass=sa.pool.NullPool)

    @sa.event.listens_for(sqlite_engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.close()

    @sa.event.listens_for(sqlite_engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return sqlite_engine


def rows_pointing_at_nothing(connection):
    """How many rows refer to a missing row, by (table, referred table)."""
    counts = {}
    for table, _rowid, parent, _constraint in connection.exec_driver_sql("PRAGMA foreign_key_check"):
        counts[(table, parent)] = counts.get((table, parent), 0) + 1
    return counts


def refuse_new_rows_pointing_at_nothing(connection, before):
    """Fail, undoing the migrations, if they left rows referring to rows that do not exist.

    Rows that pointed at nothing before the migrations ran are only reported: they are not the
    migrations' doing, and ``flask db current`` must still answer.
    """
    after = rows_pointing_at_nothing(connection)
    if after:
        logger.warning("Rows that refer to missing rows: %s", after)
    added = {key: n - before.get(key, 0) for key, n in after.items() if n > before.get(key, 0)}
    if added:
        details = "; ".join(
            f"{n} row(s) of {table} to missing {parent}" for (table, parent), n in added.items()
        )
        raise RuntimeError(f"Refusing to migrate: it would leave {details}. Nothing was changed.")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
