"""Deployment tests start real servers; they are marked ``deploy`` (select with ``-m deploy``)."""

import os
import shutil
from pathlib import Path

import pytest

from tests.deploy.servers import NGINX, server_admin_url
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/deploy/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.deploy)


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server to make this run's databases on (the shared one the app servers use)."""
    url = server_admin_url()
    if url is None:
        pytest.skip("no PostgreSQL answers (set DEPLOY_POSTGRES_URL or TEST_DATABASE_URL, or start it)")
    return url


@pytest.fixture(scope="session")
def nginx_binary():
    if not shutil.which(NGINX) and not os.path.exists(NGINX):
        pytest.skip("Debian's nginx is not installed (./dev.sh test installs nginx-light)")
    return NGINX


@pytest.fixture(scope="module")
def deploy_browser():
    """Debian's Chromium as the browser journeys drive it. Module-scoped, and so closed before the
    browser tests in tests/e2e start their own (Playwright's sync API allows one at a time)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        browser = running.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(deploy_browser):
    context = deploy_browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
