"""flask check-settings, and gunicorn refusing to start in production with unsafe settings."""

import importlib.util
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app.config import DEVELOPMENT_SECRET_KEY, Config, check_production_settings
from tests.infra.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "SECRET_KEY": "k" * 48,
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nearmiss@db.internal/nearmiss",
    "SESSION_COOKIE_SECURE": True,
    "BASE_URL": "https://nearmiss.example.org",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "PROXY_FIX_HOPS": 1,
    "MAIL_ENABLED": True,
    "REQUEST_LOG": False,
}


def test_good_production_settings_have_no_problems():
    assert check_production_settings(GOOD) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"SECRET_KEY": DEVELOPMENT_SECRET_KEY}, "SECRET_KEY is unset or the development default"),
        ({"SECRET_KEY": ""}, "SECRET_KEY is unset"),
        ({"SECRET_KEY": "short-key"}, "SECRET_KEY is shorter than 32"),
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:////srv/nm.sqlite3"}, "SQLite"),
        ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE is off"),
        ({"SESSION_COOKIE_HTTPONLY": False}, "SESSION_COOKIE_HTTPONLY is off"),
        ({"DEBUG": True}, "DEBUG is on"),
        ({"TESTING": True}, "TESTING is on"),
        ({"WTF_CSRF_ENABLED": False}, "WTF_CSRF_ENABLED is off"),
        ({"RATELIMIT_ENABLED": False}, "RATELIMIT_ENABLED is off"),
        ({"BASE_URL": "http://nearmiss.example.org"}, "BASE_URL must be the public https://"),
        ({"BASE_URL": "https://127.0.0.1:8000"}, "BASE_URL names this machine"),
        ({"PROXY_FIX_HOPS": -1}, "PROXY_FIX_HOPS"),
        ({"METRICS_TOKEN": "abc"}, "METRICS_TOKEN is shorter"),
    ],
)
def test_each_unsafe_setting_is_named(change, expected):
    problems = check_production_settings({**GOOD, **change})
    assert len(problems) == 1 and expected in problems[0], problems


def test_check_settings_command_exits_1_listing_the_problems(app):
    result = app.test_cli_runner().invoke(args=["check-settings"])
    assert result.exit_code == 1
    expected = ["SECRET_KEY", "SESSION_COOKIE_SECURE", "TESTING is on", "not fit for production"]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        expected.append("DATABASE_URL names SQLite")
    for text in expected:
        assert text in result.output, result.output


def test_check_settings_command_passes_good_settings_with_notes(tmp_path):
    # A separate process: a second app in this one would switch the shared rate limiter back on.
    env = _server_env(
        tmp_path,
        NEARMISS_ENV="production",
        SECRET_KEY="k" * 48,
        BASE_URL="https://nearmiss.example.org",
    )
    env["DATABASE_URL"] = "postgresql://nearmiss@db.internal/nearmiss"
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "check-settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Settings are fit for production." in done.stdout
    assert "note: REDIS_URL is unset" in done.stdout and "note: PROXY_FIX_HOPS is 0" in done.stdout


# --- gunicorn.conf.py ---------------------------------------------------------------------------------


@pytest.fixture
def gunicorn_conf(monkeypatch, tmp_path):
    """gunicorn.conf.py loaded as gunicorn loads it (its metrics directory kept out of this process)."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.delenv("BIND", raising=False)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeServer:
    class log:
        lines = []

        @classmethod
        def error(cls, message, *args):
            cls.lines.append(("error", message % args))

        @classmethod
        def warning(cls, message, *args):
            cls.lines.append(("warning", message % args))

        info = warning


def test_gunicorn_settings_come_from_the_environment(gunicorn_conf):
    assert gunicorn_conf.bind == ["127.0.0.1:8123"] and gunicorn_conf.workers == 3
    assert gunicorn_conf.worker_class == "gthread" and gunicorn_conf.accesslog is None
    assert gunicorn_conf.preload_app is False and gunicorn_conf.timeout >= 30


def test_gunicorn_refuses_to_start_in_production_with_bad_settings(gunicorn_conf, monkeypatch):
    monkeypatch.setattr(Config, "ENV_NAME", "production")
    monkeypatch.setattr(Config, "SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    monkeypatch.setattr(Config, "SESSION_COOKIE_SECURE", False)
    FakeServer.log.lines = []
    with pytest.raises(SystemExit) as refused:
        gunicorn_conf.on_starting(FakeServer())
    assert "SECRET_KEY" in str(refused.value) and "SESSION_COOKIE_SECURE" in str(refused.value)
    assert FakeServer.log.lines[0][0] == "error"


def test_gunicorn_starts_outside_production_and_only_warns(gunicorn_conf, monkeypatch):
    monkeypatch.setattr(Config, "ENV_NAME", "development")
    FakeServer.log.lines = []
    gunicorn_conf.on_starting(FakeServer())
    assert FakeServer.log.lines and all(level == "warning" for level, _ in FakeServer.log.lines)


def test_gunicorn_starts_in_production_with_good_settings(gunicorn_conf, monkeypatch):
    monkeypatch.setattr(Config, "ENV_NAME", "production")
    for key, value in GOOD.items():
        monkeypatch.setattr(Config, key, value)
    FakeServer.log.lines = []
    gunicorn_conf.on_starting(FakeServer())
    assert FakeServer.log.lines == []


def _server_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_DATABASE", "FLASK_", "PYTEST"))}
    for key in ("PROMETHEUS_MULTIPROC_DIR", "REDIS_URL", "DATABASE_URL", "SECRET_KEY", "NEARMISS_ENV"):
        env.pop(key, None)
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'gunicorn.sqlite3'}", PYTHONUNBUFFERED="1", **extra)
    return env


def test_real_gunicorn_refuses_unsafe_production_settings(tmp_path):
    env = _server_env(tmp_path, NEARMISS_ENV="production", BIND=f"127.0.0.1:{free_port()}")
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "Refusing to start" in done.stderr and "SQLite" in done.stderr, done.stderr


def test_real_gunicorn_serves_health_and_adds_up_metrics_across_workers(tmp_path):
    port = free_port()
    env = _server_env(tmp_path, NEARMISS_ENV="development", BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2")
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                    assert answer.status == 200
                    request_id = answer.headers["X-Request-ID"]
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError((tmp_path / "gunicorn.log").read_text()) from None
                time.sleep(0.3)
        for _ in range(20):
            urllib.request.urlopen(f"{base}/healthz", timeout=5).close()
        with urllib.request.urlopen(f"{base}/metrics", timeout=5) as answer:
            metrics = answer.read().decode()
        line = next(
            line
            for line in metrics.splitlines()
            if line.startswith("nearmiss_http_requests_total{") and 'route="/healthz"' in line
        )
        assert float(line.rsplit(" ", 1)[1]) >= 21, "every worker's requests are counted"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
    output = (tmp_path / "gunicorn.log").read_text()
    assert f'"request_id":"{request_id}"' in output and '"route":"/healthz"' in output
    assert "GET /healthz HTTP" not in output, "gunicorn's access log is off"
