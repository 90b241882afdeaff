"""Configuration read from the environment.

Development defaults need nothing set: an SQLite file under ``instance/`` and a throwaway secret key.
Production must set ``SECRET_KEY`` and ``DATABASE_URL``.
"""

import os
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-change-me"  # noqa: S105


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'nearmiss.sqlite3'}"
    # Hosting platforms often hand out plain postgres:// URLs; we always talk through psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    ENV_NAME = os.environ.get("NEARMISS_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    ORG_NAME = os.environ.get("ORG_NAME", "Community Care Services")
    ORG_TIMEZONE = os.environ.get("ORG_TIMEZONE", "America/New_York")
    # A JSON write may carry a downscaled photo; anything bigger is refused with 413.
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", ENV_NAME == "production")
    # Server-side session records: a stolen cookie is useless once this passes or the user signs out.
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "120"))
    REMEMBER_COOKIE_DURATION = 0
    # E-mail: off by default (messages are logged instead); SMTP settings when on.
    MAIL_ENABLED = _bool("MAIL_ENABLED", False)
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "near-misses@localhost")
    # Absolute links in e-mails.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Password sign-in is rate limited per address and per address-and-account.
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Printed cue guides: "letter" (US) or "a4"; any guide can also be printed with ?size=.
    GUIDE_PAGE_SIZE = os.environ.get("GUIDE_PAGE_SIZE", "letter")
    # How far a device clock may run ahead of the server before "occurred in the future" is refused.
    CLOCK_SKEW_MINUTES = 10
    # How old an event may be when first reported; older events belong in a retrospective review.
    MAX_REPORT_AGE_DAYS = 366


class TestConfig(Config):
    TESTING = True
    ENV_NAME = "test"
    SECRET_KEY = "test-secret-key"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "TEST_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'test.sqlite3'}"
    )
    SESSION_COOKIE_SECURE = False
    SERVER_NAME = None
    # Tests sign in hundreds of times a minute from one address; one test turns the limit back on.
    RATELIMIT_ENABLED = False


def check_production_settings(config) -> list[str]:
    """Return what makes these settings unsafe for production (empty when fine)."""
    problems = []
    if config.get("SECRET_KEY") in (None, "", DEVELOPMENT_SECRET_KEY):
        problems.append("SECRET_KEY is unset or the development default.")
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        problems.append("DATABASE_URL names SQLite; production needs PostgreSQL.")
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE is off.")
    return problems
