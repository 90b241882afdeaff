"""Fixtures for the infrastructure tests: a private Redis database, an SMTP inbox, closed ports."""

import os
import socket
import time
import uuid

import pytest

# The Redis server the job tests use. Another test run (a colleague's, a second CI job) or something
# else entirely may use it at the same time: nothing here ever flushes a database.
REDIS_SERVER = "redis://127.0.0.1:6379"
# Each run claims an empty database number of its own with this key (SET NX, so two runs never share
# one) and gives it back at the end; the expiry frees the number if a run dies without giving it back.
CLAIM_KEY = "nearmiss-tests:claimed-by"
CLAIM_SECONDS = 6 * 3600


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def closed_port_url(scheme: str = "redis") -> str:
    """A URL on 127.0.0.1 where nothing listens."""
    return f"{scheme}://127.0.0.1:{free_port()}/0"


def _claim_a_database(run_id: str):
    """(url, connection) of an empty Redis database now claimed for this run; None when Redis is not
    running or every database is in use."""
    from redis import Redis
    from redis.exceptions import ConnectionError, RedisError, ResponseError

    for number in range(1, 16):
        url = f"{REDIS_SERVER}/{number}"
        connection = Redis.from_url(url, socket_connect_timeout=1)
        try:
            if connection.set(CLAIM_KEY, run_id, nx=True, ex=CLAIM_SECONDS):
                if connection.dbsize() == 1:
                    return url, connection
                connection.delete(CLAIM_KEY)  # keys of someone else's: leave the database alone
        except (ConnectionError, ResponseError):
            # Redis is not running, or the server has no database of this number (or any higher).
            connection.close()
            return None
        except RedisError:
            pass
        connection.close()
    return None


def _keys(connection) -> set[bytes]:
    return set(connection.scan_iter(count=1000))


@pytest.fixture(scope="session")
def _redis_database():
    """A Redis database of this run's own, given back (with only the claim removed) at the end."""
    run_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4()}"
    claimed = _claim_a_database(run_id)
    yield claimed
    if claimed is not None:
        _, connection = claimed
        if connection.get(CLAIM_KEY) == run_id.encode():
            connection.delete(CLAIM_KEY)
        connection.close()


@pytest.fixture
def redis_url(app, _redis_database):
    """Point the app's jobs at this run's own Redis database; skip if Redis is absent or full.

    After the test, the keys the test created are deleted, one by one: the database is this run's
    (claimed empty), and nothing else in it - or in any other database - is touched."""
    if _redis_database is None:
        pytest.skip(f"no free Redis database on {REDIS_SERVER} (is Redis running?)")
    url, connection = _redis_database
    before = _keys(connection)
    saved = {k: app.config[k] for k in ("REDIS_URL", "JOB_RETRY_INTERVALS")}
    # Retries without a wait, so one burst of the worker plays a job's whole life.
    app.config.update(REDIS_URL=url, JOB_RETRY_INTERVALS=(0, 0, 0))
    yield url
    app.config.update(saved)
    for client in app.extensions.pop("nearmiss_redis", {}).values():
        client.close()
    created = _keys(connection) - before
    if created:
        connection.delete(*created)


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
