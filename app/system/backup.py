"""Back up and restore the whole database.

    flask --app wsgi backup create PATH            # PostgreSQL: pg_dump --format=custom; SQLite: online copy
    flask --app wsgi backup restore PATH           # into an empty database
    flask --app wsgi backup restore PATH --replace # wipe the target first

PostgreSQL goes through ``pg_dump``/``pg_restore`` (their major version must be at least the
server's); the embedded SQLite default through SQLite's online backup API, which copies a consistent
snapshot while the app keeps serving. A backup is written to a temporary file beside ``PATH`` and
renamed only once it has been read back, so a failed backup never leaves a half file under its name.
After a restore the audit chain is checked and the restore itself is recorded in it.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import URL, make_url

from app.core.audit.models import AuditEvent
from app.core.audit.operations import first_chain_problem, record_event
from app.core.reference_data import forget_reference_data
from app.extensions import db
from app.reports.models import Report

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore could not be done; the message says why in words an operator can act on."""


@dataclass(frozen=True)
class RestoreSummary:
    reports: int
    audit_events: int
    revision: str | None
    chain_problem: object | None


def database_kind(url: str | URL) -> str:
    """``"postgresql"`` or ``"sqlite"`` for a SQLAlchemy URL; anything else is refused."""
    name = make_url(url).get_backend_name()
    if name not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {name}.")
    return name


def backup_kind(path: Path) -> str:
    """What a backup file holds, from its first bytes: ``"postgresql"`` or ``"sqlite"``."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError(f"No backup file at {path}.") from None
    except IsADirectoryError:
        raise BackupError(f"{path} is a folder, not a backup file.") from None
    if head.startswith(PG_MAGIC):
        return "postgresql"
    if head == SQLITE_MAGIC:
        return "sqlite"
    raise BackupError(f"{path} is not a backup made by this command (neither pg_dump custom nor SQLite).")


def create_backup(url: str | URL, path: Path) -> int:
    """Write a consistent copy of the database at ``url`` to ``path``; returns its size in bytes."""
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} is a folder; give a file name, e.g. {path / 'nearmiss.backup'}.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    partial = path.with_name(f".{path.name}.partial")
    # The copy holds health information: readable by its owner only, from its first byte.
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        if database_kind(url) == "postgresql":
            _pg_dump(make_url(url), partial)
        else:
            _sqlite_backup(_sqlite_path(url), partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path.stat().st_size


def restore_backup(url: str | URL, path: Path, *, replace: bool = False) -> None:
    """Load the backup at ``path`` into the database at ``url``.

    The target must be empty (a fresh database) unless ``replace`` is set, which wipes it first.
    """
    path = Path(path)
    kind, target = backup_kind(path), database_kind(url)
    if kind != target:
        raise BackupError(f"{path} is a {kind} backup; the target database is {target}.")
    if target == "postgresql":
        _pg_restore(make_url(url), path, replace=replace)
    else:
        _sqlite_restore(path, _sqlite_path(url), replace=replace)


# --- SQLite -------------------------------------------------------------------------------------


def _sqlite_path(url: str | URL) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database)


def _check_sqlite_file(connection: sqlite3.Connection, what: str) -> None:
    result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{what} failed SQLite's integrity check: {result}")
    has_schema = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if not has_schema:
        raise BackupError(f"{what} holds no near-miss database (no alembic_version table).")


def _sqlite_backup(source: Path, destination: Path) -> None:
    if not source.exists():
        raise BackupError(f"No SQLite database at {source}.")
    source_connection = sqlite3.connect(source, timeout=30)
    copy = sqlite3.connect(destination)
    try:
        # The online backup API copies a consistent snapshot page by page while writers carry on.
        source_connection.backup(copy)
        # One self-contained file: no -wal or -shm beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        _check_sqlite_file(copy, "The new backup")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite backup failed: {exc}") from exc
    finally:
        copy.close()
        source_connection.close()


def _sqlite_has_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0
    finally:
        connection.close()


def _sqlite_restore(backup: Path, target: Path, *, replace: bool) -> None:
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    if _sqlite_has_tables(target) and not replace:
        raise BackupError(f"{target} already holds data; restore into a fresh database or pass --replace.")
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        _check_sqlite_file(source, str(backup))
        destination = sqlite3.connect(target, timeout=30)
        try:
            # Copies every page into the target in one go, replacing what it held.
            source.backup(destination)
            _check_sqlite_file(destination, "The restored database")
        finally:
            destination.close()
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite restore failed: {exc}") from exc
    finally:
        source.close()


# --- PostgreSQL ---------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def _pg_connection(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, and an environment carrying it (never in ``ps``)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result


def _pg_dump(url: URL, destination: Path) -> None:
    conninfo, env = _pg_connection(url)
    _run(
        [
            _pg_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={destination}",
            f"--dbname={conninfo}",
        ],
        env,
        "pg_dump",
    )
    # Read the archive's table of contents back: a truncated or unreadable file fails here.
    listing = _run([_pg_tool("pg_restore"), "--list", str(destination)], env, "Reading the new backup").stdout
    if "TABLE DATA public alembic_version" not in listing:
        raise BackupError("The new backup holds no near-miss database (no alembic_version table).")


_SET_ASIDE = "public_before_restore"


def _pg_restore(url: URL, backup: Path, *, replace: bool) -> None:
    conninfo, env = _pg_connection(url)
    _run([_pg_tool("pg_restore"), "--list", str(backup)], env, f"Reading {backup}")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            tables = connection.scalar(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
            if tables and not replace:
                raise BackupError(
                    f"Database {url.database} already holds data; restore into a fresh database "
                    "or pass --replace."
                )
            if tables:
                # Set the current data aside rather than dropping it: if pg_restore fails, it comes back.
                connection.execute(text(f"DROP SCHEMA IF EXISTS {_SET_ASIDE} CASCADE"))
                connection.execute(text(f"ALTER SCHEMA public RENAME TO {_SET_ASIDE}"))
                connection.execute(text("CREATE SCHEMA public"))
        try:
            _run(
                [
                    _pg_tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    f"--dbname={conninfo}",
                    str(backup),
                ],
                env,
                "pg_restore",
            )
        except BackupError:
            if tables:
                with engine.begin() as connection:
                    connection.execute(text("DROP SCHEMA public CASCADE"))
                    connection.execute(text(f"ALTER SCHEMA {_SET_ASIDE} RENAME TO public"))
            raise
        if tables:
            with engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {_SET_ASIDE} CASCADE"))
    finally:
        engine.dispose()


# --- After a restore ----------------------------------------------------------------------------


def summarise_restored(backup_name: str) -> RestoreSummary:
    """Check the restored database's audit chain, then record the restore in it (caller commits)."""
    problem = first_chain_problem()
    revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    summary = RestoreSummary(
        reports=db.session.scalar(select(func.count(Report.id))),
        audit_events=db.session.scalar(select(func.count(AuditEvent.id))),
        revision=revision,
        chain_problem=problem,
    )
    record_event(
        "system.restore",
        object_type="database",
        after={"backup": backup_name, "revision": revision, "chain_ok": problem is None},
    )
    return summary


backup_cli = AppGroup("backup", help="Back up the database to a file, or restore it from one.")


def _database_url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create_command(path: Path):
    """Write a consistent backup of the database to PATH (safe while the app is serving)."""
    try:
        size = create_backup(_database_url(), path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {path} ({size:,} bytes, {database_kind(_database_url())}).")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Wipe the target database first if it already holds data.")
def restore_command(path: Path, replace: bool):
    """Restore the backup at PATH into this app's database, then verify the audit chain."""
    db.session.remove()
    db.engine.dispose()  # no pooled connection may outlive the old contents
    try:
        restore_backup(_database_url(), path, replace=replace)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    forget_reference_data()  # settings and taxonomy kept from the old contents
    summary = summarise_restored(path.name)
    db.session.commit()
    click.echo(
        f"Restored {path}: {summary.reports:,} reports, {summary.audit_events:,} audit events, "
        f"schema revision {summary.revision}."
    )
    if summary.chain_problem is not None:
        click.echo(f"Audit chain BROKEN at {summary.chain_problem}", err=True)
        raise SystemExit(1)
    click.echo(
        "Audit chain verified. Run `flask --app wsgi db upgrade` if this code is newer than the backup."
    )
