"""Configuration read from the environment.

Development defaults need nothing set: an SQLite file under ``instance/`` and a throwaway secret key.
Production must set ``SECRET_KEY`` and ``DATABASE_URL``.
"""

import base64
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
    # hide_parameters: a database error logged with its statement never carries report text.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    ORG_NAME = os.environ.get("ORG_NAME", "Community Care Services")
    ORG_TIMEZONE = os.environ.get("ORG_TIMEZONE", "America/New_York")
    # A JSON write may carry a downscaled photo; anything bigger is refused with 413.
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", ENV_NAME == "production")
    # Secure cookies get the __Host- prefix (see create_app). Idle and absolute session limits are
    # organisation settings (core.settings), so an administrator can shorten them.
    REMEMBER_COOKIE_DURATION = 0
    # Passkeys: the relying party id is the site's host name; origins the browser may report. Both
    # default to BASE_URL's; set them when the site is served under another name.
    WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "")
    WEBAUTHN_ORIGINS = os.environ.get("WEBAUTHN_ORIGINS", "")
    # E-mail: off by default (messages are logged instead); SMTP settings when on.
    MAIL_ENABLED = _bool("MAIL_ENABLED", False)
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "near-misses@localhost")
    # Web Push (app/notifications/push.py): the VAPID key pair that signs every push, and who the push
    # services may contact about it (mailto: or https:). The private key is base64url (32 bytes raw or
    # DER); the public key, if given, must be its pair. Unset in development: a pair is made once in
    # instance/vapid.json. Unset in production: devices get no pushes (in-app and e-mail stay).
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "").strip()
    VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "").strip()
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "").strip()
    # Absolute links in e-mails.
    BASE_URL = os.environ.get("BASE_URL", "http://localhost:5000")
    # Where `flask assets publish` wrote the static files nginx serves (deploy/nginx.conf): pages then
    # load the bundled scripts from it (app/pwa/bundles.py). Empty: the scripts as written.
    PUBLISHED_STATIC_DIR = os.environ.get("PUBLISHED_STATIC_DIR", "").strip()
    # Password sign-in is rate limited per address and per address-and-account.
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Reports one signed-in person may submit (API and form together; app/reports/submission_limit.py).
    REPORT_SUBMISSION_LIMITS = os.environ.get("REPORT_SUBMISSION_LIMITS", "600 per 10 minutes; 2000 per day")
    # Anonymous reports through a public link (app/anonymous/rate_limits.py): per sender address and
    # link, per link from everyone, and receipt codes tried per address.
    ANONYMOUS_REPORT_LIMITS = os.environ.get("ANONYMOUS_REPORT_LIMITS", "5 per 10 minutes; 20 per day")
    ANONYMOUS_LINK_LIMITS = os.environ.get("ANONYMOUS_LINK_LIMITS", "120 per hour")
    RECEIPT_LOOKUP_LIMITS = os.environ.get("RECEIPT_LOOKUP_LIMITS", "10 per minute; 100 per day")
    # Category suggestions one signed-in person may ask for while typing (app/api/category_suggestion.py).
    CATEGORY_SUGGESTION_LIMITS = os.environ.get("CATEGORY_SUGGESTION_LIMITS", "60 per minute; 2000 per day")
    # Printed cue guides: "letter" (US) or "a4"; any guide can also be printed with ?size=.
    GUIDE_PAGE_SIZE = os.environ.get("GUIDE_PAGE_SIZE", "letter")
    # How far a device clock may run ahead of the server before "occurred in the future" is refused.
    CLOCK_SKEW_MINUTES = 10
    # How old an event may be when first reported; older events belong in a retrospective review.
    MAX_REPORT_AGE_DAYS = 366
    # Background jobs (app/jobs): on RQ with Redis when REDIS_URL is set, run inline when it is not.
    REDIS_URL = os.environ.get("REDIS_URL", "").strip()
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "nearmiss")
    # Seconds between the retries of a failed job on RQ (three retries, then the failed-jobs page).
    JOB_RETRY_INTERVALS = (10, 60, 300)
    JOB_TIMEOUT_SECONDS = int(os.environ.get("JOB_TIMEOUT_SECONDS", "600"))
    # Behind nginx: how many proxies set X-Forwarded-For/-Proto (0 trusts none of those headers).
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))
    # Settings, categories, programs and regions are kept in each process this many seconds
    # (core.reference_data): a change made on one app server reaches the others within it.
    REFERENCE_DATA_SECONDS = float(os.environ.get("REFERENCE_DATA_SECONDS", "5"))
    # /metrics answers loopback callers, or anyone sending "Authorization: Bearer <METRICS_TOKEN>".
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    # One JSON line per request on the "nearmiss.request" logger (never names, e-mails or report text).
    REQUEST_LOG = _bool("REQUEST_LOG", True)


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
    # Jobs run inline in tests; the job tests point REDIS_URL at their own Redis database.
    REDIS_URL = ""
    # No pushes unless a test gives keys (tests/notifications/test_push.py).
    VAPID_PRIVATE_KEY = ""
    VAPID_PUBLIC_KEY = ""
    VAPID_SUBJECT = ""


MIN_SECRET_KEY_LENGTH = 32
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def check_production_settings(config) -> list[str]:
    """Return what makes these settings unsafe for production (empty when fine).

    ``config`` is any mapping with ``get`` (an app's ``config``). Each problem is one sentence that says
    what to set.
    """
    problems = []
    secret = config.get("SECRET_KEY") or ""
    if secret in ("", DEVELOPMENT_SECRET_KEY, TestConfig.SECRET_KEY):
        problems.append("SECRET_KEY is unset or the development default.")
    elif len(secret) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters; "
            'make one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        problems.append("DATABASE_URL names SQLite; production needs PostgreSQL.")
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE is off: session cookies would travel over plain HTTP.")
    if not config.get("SESSION_COOKIE_HTTPONLY", True):
        problems.append("SESSION_COOKIE_HTTPONLY is off: scripts could read the session cookie.")
    if config.get("DEBUG"):
        problems.append("DEBUG is on: the debugger runs code for anyone who can raise an error.")
    if config.get("TESTING"):
        problems.append("TESTING is on: these are test settings.")
    if config.get("WTF_CSRF_ENABLED", True) is False:
        problems.append("WTF_CSRF_ENABLED is off: forms would accept cross-site posts.")
    if not config.get("RATELIMIT_ENABLED", True):
        problems.append("RATELIMIT_ENABLED is off: password sign-in could be guessed at speed.")
    base_url = str(config.get("BASE_URL", ""))
    if not base_url.startswith("https://"):
        problems.append("BASE_URL must be the public https:// address (links in e-mails use it).")
    elif any(base_url.startswith(f"https://{host}") for host in _LOCAL_HOSTS):
        problems.append("BASE_URL names this machine; give the public address.")
    if not isinstance(config.get("PROXY_FIX_HOPS", 0), int) or config.get("PROXY_FIX_HOPS", 0) < 0:
        problems.append("PROXY_FIX_HOPS must be a whole number of proxies (0 or more).")
    token = config.get("METRICS_TOKEN") or ""
    if token and len(token) < 16:
        problems.append("METRICS_TOKEN is shorter than 16 characters.")
    problems.extend(_vapid_problems(config))
    return problems


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def vapid_public_key(private_key: str) -> str:
    """The public key (base64url of the uncompressed P-256 point, what browsers take as
    ``applicationServerKey``) of a VAPID private key given as base64url of 32 raw bytes or of DER.
    Raises ValueError when it does not read as a P-256 private key."""
    # Only when push alerts are configured; cryptography comes with pywebpush and webauthn.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        raw = _b64url_decode(private_key.strip())
        if len(raw) == 32:
            key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
        else:
            key = serialization.load_der_private_key(raw, password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError("not a P-256 private key") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("not a P-256 private key")
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def _vapid_problems(config) -> list[str]:
    """Web Push is on when VAPID_PRIVATE_KEY is set: then the key must read, the subject say who to
    contact, and a given public key be the private key's pair."""
    private = config.get("VAPID_PRIVATE_KEY") or ""
    public = config.get("VAPID_PUBLIC_KEY") or ""
    if not private:
        return ["VAPID_PUBLIC_KEY is set without VAPID_PRIVATE_KEY: give both, or neither."] if public else []
    problems = []
    subject = config.get("VAPID_SUBJECT") or ""
    if not subject.startswith(("mailto:", "https://")):
        problems.append("VAPID_SUBJECT must be a mailto: or https:// address push services can contact.")
    try:
        derived = vapid_public_key(private)
    except ValueError:
        problems.append("VAPID_PRIVATE_KEY does not read as a P-256 private key (base64url, raw or DER).")
        return problems
    if public and public != derived:
        problems.append("VAPID_PUBLIC_KEY is not the pair of VAPID_PRIVATE_KEY.")
    return problems


def production_notes(config) -> list[str]:
    """Settings that work in production but deserve a second look (printed, not refused)."""
    notes = []
    if not config.get("REDIS_URL"):
        notes.append(
            "REDIS_URL is unset: jobs run inline in the web process and sign-in limits are counted "
            "per process, not across servers."
        )
    if not config.get("PROXY_FIX_HOPS"):
        notes.append(
            "PROXY_FIX_HOPS is 0: behind nginx, client addresses and https are not seen; set it to 1."
        )
    if not config.get("MAIL_ENABLED"):
        notes.append("MAIL_ENABLED is off: notifications are not e-mailed.")
    if not config.get("VAPID_PRIVATE_KEY"):
        notes.append(
            "VAPID_PRIVATE_KEY is unset: no alerts are pushed to phones and tablets; make a pair with "
            "`flask --app wsgi notifications vapid-keys`."
        )
    return notes
