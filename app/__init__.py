"""Application factory: ``create_app`` reads as the list of steps that build the app.

This module is the entry of the layers (see ``[tool.importlinter]`` in pyproject.toml and the README's
"How it is built"): it imports every package, and no package imports it back, except the jobs worker
that builds an app when it starts.
"""

from pathlib import Path

from flask import Flask
from sqlalchemy import event

from app import (
    models,  # noqa: F401  (every model, so that SQLAlchemy's metadata and Alembic see the whole schema)
    observability,
)
from app.actions import bp as actions_bp
from app.admin import bp as admin_bp
from app.anonymous import bp as anonymous_bp
from app.api import bp as api_bp
from app.auth import bp as auth_bp
from app.auth import sessions  # noqa: F401  (Flask-Login loaders)
from app.auth.cli import user_cli
from app.config import Config
from app.core import caching, errors, i18n, ids, security, templating
from app.core.audit.cli import audit_cli
from app.dashboard import bp as dashboard_bp
from app.dashboard import tasks as dashboard_tasks  # noqa: F401  (registers the weekly cluster detection)
from app.demo.cli import demo_cli
from app.emergency import bp as emergency_bp
from app.escalations import bp as escalations_bp
from app.extensions import csrf, db, limiter, login_manager, migrate
from app.feedback import bp as feedback_bp
from app.guides import bp as guides_bp
from app.incidents import bp as incidents_bp
from app.jobs import bp as jobs_bp
from app.jobs.cli import jobs_cli
from app.notifications import bp as notifications_bp
from app.notifications.cli import notifications_cli
from app.packs import bp as packs_bp
from app.packs.cli import export_command
from app.people import bp as people_bp
from app.pwa import bp as pwa_bp
from app.pwa.cli import assets_cli
from app.reports import bp as reports_bp
from app.reviews import bp as reviews_bp
from app.system import bp as system_bp
from app.system import tasks as system_tasks  # noqa: F401  (registers the clock check)
from app.system.backup import backup_cli
from app.system.cli import check_settings_command, clocks_cli, clusters_cli
from app.triage import bp as triage_bp
from app.work import bp as work_bp


def create_app(config: type | dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    if app.config["SESSION_COOKIE_SECURE"] and not app.config["SESSION_COOKIE_NAME"].startswith("__"):
        # The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only and
        # for the whole site, so a sibling subdomain cannot plant or overwrite it. Plain HTTP
        # (development) cannot carry it.
        app.config["SESSION_COOKIE_NAME"] = "__Host-" + app.config["SESSION_COOKIE_NAME"]
    register_observability(app)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_cache_policy(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_observability(app: Flask) -> None:
    """First, so the request id and timer start before any other hook and the log line comes last."""
    observability.register(app)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    login_manager.init_app(app)
    login_manager.session_protection = None  # server-side session rows do this job
    csrf.init_app(app)
    limiter.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _tune_sqlite(app)


def _tune_sqlite(app: Flask) -> None:
    """WAL and a busy timeout let the embedded default serve concurrent requests.

    The file's folder (``instance/`` by default, which git ignores) is made here, so that
    ``flask db upgrade`` works on a fresh clone.
    """
    with app.app_context():
        engine = db.engine
        if engine.url.database and engine.url.database != ":memory:":
            Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            # Not for migrations: they run on a connection of their own with foreign keys off, or a
            # table rebuild would cascade-delete the rows that refer to it (migrations/env.py).
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()


def register_url_converters(app: Flask) -> None:
    """Before the blueprints: a rule takes its converter when it is added."""
    ids.register(app)


def register_blueprints(app: Flask) -> None:
    for blueprint in (
        system_bp,
        auth_bp,
        reports_bp,
        api_bp,
        pwa_bp,
        notifications_bp,
        escalations_bp,
        triage_bp,
        incidents_bp,
        reviews_bp,
        actions_bp,
        feedback_bp,
        dashboard_bp,
        guides_bp,
        anonymous_bp,
        packs_bp,
        people_bp,
        emergency_bp,
        admin_bp,
        jobs_bp,
        work_bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    errors.register(app)


def register_cache_policy(app: Flask) -> None:
    caching.register(app)
    security.register(app)


def register_template_helpers(app: Flask) -> None:
    i18n.register(app)
    templating.register(app)


def register_commands(app: Flask) -> None:
    for group in (user_cli, audit_cli, demo_cli, clocks_cli, clusters_cli, backup_cli, notifications_cli):
        app.cli.add_command(group)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(assets_cli)
    app.cli.add_command(check_settings_command)
    app.cli.add_command(export_command)
