"""Deployment tests start real servers; they are marked ``deploy`` (select with ``-m deploy``)."""

import os
import shutil

import pytest

from tests.deploy.servers import BROTLI_STATIC_MODULE, NGINX, server_admin_url


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
    if not BROTLI_STATIC_MODULE.exists():
        pytest.skip("nginx's brotli_static module is not installed (./dev.sh test installs it)")
    return NGINX
