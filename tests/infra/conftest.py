"""Fixtures for the infrastructure tests: a private Redis database, an SMTP inbox, closed ports."""

import socket
import time

import pytest

# A Redis database of their own (the rest of the suite uses none); only this one is ever flushed.
REDIS_URL = "redis://127.0.0.1:6379/5"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def closed_port_url(scheme: str = "redis") -> str:
    """A URL on 127.0.0.1 where nothing listens."""
    return f"{scheme}://127.0.0.1:{free_port()}/0"


@pytest.fixture
def redis_url(app):
    """Point the app's jobs at Redis database 5 (flushed before and after); skip if Redis is absent."""
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    connection.flushdb()
    saved = {k: app.config[k] for k in ("REDIS_URL", "JOB_RETRY_INTERVALS")}
    # Retries without a wait, so one burst of the worker plays a job's whole life.
    app.config.update(REDIS_URL=REDIS_URL, JOB_RETRY_INTERVALS=(0, 0, 0))
    yield REDIS_URL
    app.config.update(saved)
    connection.flushdb()
    connection.close()
    for client in app.extensions.pop("nearmiss_redis", {}).values():
        client.close()


@pytest.fixture
def smtp_config(app):
    """Restore the mail settings a test changes."""
    keys = ("MAIL_ENABLED", "MAIL_SERVER", "MAIL_PORT")
    saved = {k: app.config[k] for k in keys}
    yield app.config
    app.config.update(saved)


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"

    def wait_for(self, count, timeout=5.0):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@pytest.fixture
def inbox():
    """A real SMTP server on 127.0.0.1 (not yet wired to the app: tests choose when mail works)."""
    from aiosmtpd.controller import Controller

    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture(scope="session", autouse=True)
def _close_pooled_connections(app):
    """Inline jobs run in app contexts of their own, so the pool holds several connections: close them
    at the end instead of leaving them to the garbage collector."""
    yield
    from app.extensions import db

    with app.app_context():
        db.engine.dispose()
