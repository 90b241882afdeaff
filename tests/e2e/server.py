"""A stand-alone test server process, so a test can kill it mid-request and start it again.

    python -m tests.e2e.server PORT

Uses TestConfig (TEST_DATABASE_URL or the test SQLite file), the same database as the test.
"""

import logging
import sys

from werkzeug.serving import run_simple

from app import create_app
from app.config import TestConfig


def main() -> None:
    port = int(sys.argv[1])
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    run_simple("127.0.0.1", port, create_app(TestConfig), threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
