"""Backups (issue 9, point 4): back up, restore into a fresh database, and find everything there.

Runs against the database of the test run: SQLite by default (the online backup API), PostgreSQL
when TEST_DATABASE_URL names one (pg_dump / pg_restore into a database made for the test).
"""

import base64
import io
import stat
import uuid

import pytest
from PIL import Image
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url

from app import create_app
from app.auth.models import User
from app.config import TestConfig
from app.core.audit.models import AuditEvent
from app.core.audit.operations import first_chain_problem
from app.extensions import db
from app.reports.models import Report
from app.system.backup import BackupError, backup_kind, create_backup
from tests.factories import login, post_report, report_body


def _app_on(url: str):
    class RestoredConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(RestoredConfig)


@pytest.fixture
def fresh_database(app, tmp_path):
    """The URL of an empty database of the same kind as the test run's."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{url.database}_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), (10, 120, 60)).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def _file_reports(app, make, count: int = 4) -> list[str]:
    """Reports through the API, one confidential and one with a photo, so every kind of row is there."""
    make.user("dsp@x.test", regions=["North"])
    client = app.test_client()
    login(client, "dsp@x.test")
    region = make.region("North")
    uuids = []
    for n in range(count):
        extra = {}
        if n == 1:
            extra["confidential"] = True
        if n == 2:
            extra["photo"] = {"content_type": "image/png", "data": _png()}
        body = report_body(region, what_happened=f"Backed-up report {n}", person_ref=f"AB{n}", **extra)
        assert post_report(client, body).status_code == 201
        uuids.append(body["client_uuid"])
    return uuids


def _table_counts(flask_app) -> dict[str, int]:
    with flask_app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def _dispose(flask_app) -> None:
    with flask_app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_backup_restored_into_a_fresh_database_holds_everything_and_verifies(
    app, make, tmp_path, fresh_database
):
    uuids = _file_reports(app, make)
    before = _table_counts(app)
    with app.app_context():
        photo = db.session.scalar(select(Report).where(Report.client_uuid == uuid.UUID(uuids[2]))).photo.data
    backup = tmp_path / "nearmiss.backup"

    created = app.test_cli_runner().invoke(args=["backup", "create", str(backup)])
    assert created.exit_code == 0, created.output
    assert "Backup written to" in created.output
    kind = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    assert backup_kind(backup) == kind
    assert not list(tmp_path.glob(".*partial")), "no half-written file is left behind"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600, "a backup holds health information: owner only"

    restored = _app_on(fresh_database)
    try:
        result = restored.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
        assert result.exit_code == 0, result.output
        assert "4 reports" in result.output and "Audit chain verified" in result.output

        after = _table_counts(restored)
        assert after.pop("audit_events") == before.pop("audit_events") + 1, "the restore is recorded"
        assert after == before, "every table has every row"
        with restored.app_context():
            reports = db.session.scalars(select(Report).order_by(Report.id)).all()
            assert [str(r.client_uuid) for r in reports] == uuids
            assert [r.what_happened for r in reports] == [f"Backed-up report {n}" for n in range(4)]
            assert reports[1].confidential and reports[2].photo is not None
            assert reports[2].photo.data == photo, "attachments live in the database and come back"
            assert first_chain_problem() is None
            last = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
            assert last.action == "system.restore" and "nearmiss.backup" in last.after
        verified = restored.test_cli_runner().invoke(args=["audit", "verify"])
        assert verified.exit_code == 0, verified.output

        # The restored copy is a working app: the reporter signs in and reads their report.
        client = restored.test_client()
        assert login(client, "dsp@x.test").status_code == 302
        with restored.app_context():
            first_id = db.session.scalar(select(Report.id).order_by(Report.id).limit(1))
        answer = client.get(f"/api/v1/reports/{first_id}")
        assert answer.status_code == 200 and answer.get_json()["what_happened"] == "Backed-up report 0"
    finally:
        _dispose(restored)


def test_restore_refuses_a_database_that_already_holds_data(app, make, tmp_path):
    _file_reports(app, make, count=2)
    backup = tmp_path / "nearmiss.backup"
    assert app.test_cli_runner().invoke(args=["backup", "create", str(backup)]).exit_code == 0
    make.report("dsp@x.test", what_happened="Filed after the backup")

    refused = app.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
    assert refused.exit_code != 0
    assert "already holds data" in refused.output and "--replace" in refused.output
    assert _table_counts(app)["reports"] == 3, "nothing was touched"


def test_restore_with_replace_rolls_the_database_back_to_the_backup(app, make, tmp_path):
    uuids = _file_reports(app, make, count=2)
    backup = tmp_path / "nearmiss.backup"
    assert app.test_cli_runner().invoke(args=["backup", "create", str(backup)]).exit_code == 0
    make.report("dsp@x.test", what_happened="Filed after the backup")

    result = app.test_cli_runner().invoke(args=["backup", "restore", "--replace", str(backup)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert [str(u) for u in db.session.scalars(select(Report.client_uuid).order_by(Report.id))] == uuids
        assert first_chain_problem() is None


def test_a_replace_that_fails_half_way_leaves_the_data_as_it_was(app, make, tmp_path):
    if make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "postgresql":
        pytest.skip("pg_restore's failure path; SQLite restores by copying a checked file")
    uuids = _file_reports(app, make, count=2)
    backup = tmp_path / "nearmiss.backup"
    assert app.test_cli_runner().invoke(args=["backup", "create", str(backup)]).exit_code == 0
    damaged = tmp_path / "damaged.backup"
    data = backup.read_bytes()
    damaged.write_bytes(data[: len(data) * 2 // 3])
    result = app.test_cli_runner().invoke(args=["backup", "restore", "--replace", str(damaged)])
    assert result.exit_code != 0
    with app.app_context():
        db.session.remove()
        assert [str(u) for u in db.session.scalars(select(Report.client_uuid).order_by(Report.id))] == uuids


def test_a_backup_of_a_tampered_chain_is_restored_but_fails_verification(app, make, tmp_path, fresh_database):
    _file_reports(app, make, count=2)
    with app.app_context():
        db.session.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(after='{"status":"x"}'))
        db.session.commit()
    backup = tmp_path / "tampered.backup"
    assert app.test_cli_runner().invoke(args=["backup", "create", str(backup)]).exit_code == 0

    restored = _app_on(fresh_database)
    try:
        result = restored.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
        assert result.exit_code == 1
        assert "Audit chain BROKEN at audit event #2" in result.output
    finally:
        _dispose(restored)


def test_files_that_are_not_backups_are_refused_clearly(app, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", "restore", str(junk)])
    assert result.exit_code != 0 and "is not a backup made by this command" in result.output

    kind = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    other = tmp_path / "other-kind.backup"
    other.write_bytes(
        b"SQLite format 3\x00" + b"\x00" * 100 if kind == "postgresql" else b"PGDMP" + b"\x00" * 100
    )
    mismatch = runner.invoke(args=["backup", "restore", str(other)])
    assert mismatch.exit_code != 0 and f"the target database is {kind}" in mismatch.output

    missing_folder = runner.invoke(args=["backup", "create", str(tmp_path / "no-such-folder" / "x.backup")])
    assert missing_folder.exit_code != 0 and "does not exist" in missing_folder.output
    with pytest.raises(BackupError, match="in-memory"):
        create_backup("sqlite://", tmp_path / "memory.backup")


def test_the_restored_users_keep_their_passwords_and_roles(app, make, tmp_path, fresh_database):
    make.user("admin@x.test", roles=("admin",), regions=["North", "South"])
    backup = tmp_path / "users.backup"
    assert app.test_cli_runner().invoke(args=["backup", "create", str(backup)]).exit_code == 0
    restored = _app_on(fresh_database)
    try:
        assert restored.test_cli_runner().invoke(args=["backup", "restore", str(backup)]).exit_code == 0
        with restored.app_context():
            admin = db.session.scalar(select(User).where(User.email == "admin@x.test"))
            assert {r.value for r in admin.roles} == {"admin"}
            assert len(admin.region_ids) == 2
        assert login(restored.test_client(), "admin@x.test").status_code == 302
    finally:
        _dispose(restored)
