"""Live server and Debian's Chromium for browser tests (never ``playwright install``)."""

import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.browser_fixtures import CHROMIUM, CHROMIUM_FLAGS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


class FaultInjector:
    """WSGI middleware for the live server: answer the next N matching requests with an error."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.planned: list[tuple[str, str, int]] = []
        self.seen: list[tuple[str, str, int]] = []

    def fail_next(self, method: str, path: str, status: int, count: int = 1):
        with self.lock:
            self.planned.extend([(method, path, status)] * count)

    def __call__(self, environ, start_response):
        key = (environ["REQUEST_METHOD"], environ["PATH_INFO"])
        with self.lock:
            planned = next((p for p in self.planned if p[:2] == key), None)
            if planned:
                self.planned.remove(planned)
        if planned:
            self.seen.append(planned)
            start_response(f"{planned[2]} Injected", [("Content-Type", "application/json")])
            return [b'{"error": "injected"}']
        return self.app(environ, start_response)

    def reset(self):
        with self.lock:
            self.planned.clear()
            self.seen.clear()


@dataclass
class LiveServer:
    url: str
    faults: FaultInjector


@pytest.fixture(scope="session")
def _live_server(app):
    faults = FaultInjector(app)
    server = make_server("127.0.0.1", 0, faults, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", faults)
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def live(_live_server):
    _live_server.faults.reset()
    yield _live_server
    _live_server.faults.reset()


@pytest.fixture
def live_server(live):
    return live.url


@pytest.fixture
def installed_profile(playwright, tmp_path):
    """A real (non-incognito) profile, as a phone's browser has: needed for installability."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_FLAGS,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    yield context
    context.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def sign_in(page, base_url: str, email: str, password: str):
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
