"""Shared set-up for benchmarks: a throwaway database, a user, a server thread that counts requests."""

import logging
import tempfile
import threading
from collections import Counter
from pathlib import Path

from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from app.auth.operations import create_user
from app.config import TestConfig
from app.core.roles import Role
from app.extensions import db
from app.taxonomy.models import Region

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-1"


class RequestCounter:
    """WSGI middleware counting requests per path, so a benchmark can report requests per report."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()

    def __call__(self, environ, start_response):
        with self.lock:
            self.counts[f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}"] += 1
        return self.app(environ, start_response)

    def snapshot(self) -> Counter[str]:
        with self.lock:
            return Counter(self.counts)


def bench_app(database_url: str | None = None):
    """An app on a fresh database (a temporary SQLite file unless a URL is given)."""
    if database_url is None:
        folder = tempfile.mkdtemp(prefix="nearmiss-bench-")
        database_url = f"sqlite:///{folder}/bench.sqlite3"

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(BenchConfig)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        region = Region(name="Bench region")
        db.session.add(region)
        db.session.flush()
        create_user(email="bench@x.test", name="Bench", password=PASSWORD, roles=[Role.DSP], regions=[region])
        db.session.commit()
        region_id = region.id
    return app, region_id


def serve(app):
    """Serve ``app`` on a free loopback port in a thread; returns (url, counter, stop)."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    counter = RequestCounter(app)
    server = make_server("127.0.0.1", 0, counter, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        thread.join(timeout=10)

    return f"http://127.0.0.1:{server.server_port}", counter, stop
