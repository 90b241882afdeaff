#!/usr/bin/env bash
# One entry point for a new machine (Debian/Ubuntu, Python 3.11+):
#   ./dev.sh serve   set everything up, load the demo organisation on SQLite, serve on :5000
#   ./dev.sh test    set everything up and run the whole test suite (lint, layers, unit, routes, browser)
#   ./dev.sh lint    ruff, then lint-imports (the layers of app/, see pyproject.toml)
#   ./dev.sh setup   install what the tests need (as `test` does) and run nothing
#   ./dev.sh bench   run the benchmarks in bench/ (each prints ratios against its own baseline;
#                    dashboard_scale and submission_load need the PostgreSQL on 127.0.0.1:5432,
#                    form_load Debian's nginx)
# Extra arguments after "test" go to pytest.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv
DEMO_PASSWORD=${DEMO_PASSWORD:-demo-password-1}
PORT=${PORT:-5000}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

apt_install() {
  command -v apt-get >/dev/null || return 1
  if [ -z "${APT_UPDATED:-}" ]; then as_root apt-get update -qq || true; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

setup_python() {
  if ! "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
    echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))." >&2; exit 1
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV" 2>/dev/null || { apt_install python3-venv && "$PYTHON" -m venv "$VENV"; }
  fi
  # $1 is what to install: "." to serve, ".[test]" to test. Nothing is installed again while
  # pyproject.toml and the Python are unchanged, so a restart takes seconds.
  local target=$1 stamp wanted
  stamp="$VENV/.installed-$(printf '%s' "$target" | tr -c 'a-z' '_')"
  wanted="$(sha256sum pyproject.toml | cut -d' ' -f1) $("$VENV/bin/python" --version 2>&1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then return; fi
  echo "Installing Python packages ($target)..."
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$target"
  printf '%s' "$wanted" > "$stamp"
}

setup_pdf_libraries() {
  # WeasyPrint draws PDFs with the system's Pango; Debian has it as packages.
  if ! "$VENV/bin/python" -c "import weasyprint" 2>/dev/null; then
    echo "Installing Pango and fonts for PDF rendering..."
    apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
      || echo "Could not install Pango: PDF guides and packs will not render." >&2
  fi
}

setup_pdf_tools() {
  # The tests look at PDFs as a reader would: pdftoppm draws a page as a PNG, pdftotext reads it.
  if ! command -v pdftoppm >/dev/null; then
    echo "Installing poppler-utils for the PDF tests..."
    apt_install poppler-utils || echo "Could not install poppler-utils: the tests that draw PDF pages will be skipped." >&2
  fi
}

setup_node() {
  # The outbox's own tests run under Node's test runner with fake-indexeddb.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "Installing Node.js for the service worker tests..."
    apt_install nodejs npm
  fi
  # Installed again only when package-lock.json changes (as the Python packages): `npm ci` empties
  # node_modules first, which a test run beside this one (CI's other lane) may be reading.
  local stamp=node_modules/.installed-lock wanted
  wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then return; fi
  npm ci --no-audit --no-fund --silent
  printf '%s' "$wanted" > "$stamp"
}

setup_browser() {
  # Browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
  if [ ! -x /usr/bin/chromium ]; then
    echo "Installing Debian's chromium for the browser tests..."
    apt_install chromium fonts-dejavu-core || echo "Could not install chromium: browser tests will be skipped." >&2
  fi
}

setup_servers() {
  # The deployment tests start Debian's nginx in front of two gunicorn servers (tests/deploy/).
  if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    echo "Installing Debian's nginx for the deployment tests..."
    apt_install nginx-light || apt_install nginx \
      || echo "Could not install nginx: the multi-server test will be skipped." >&2
  fi
  # deploy/nginx.conf serves the precompressed .br files with brotli_static (Debian's module).
  if [ ! -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ]; then
    apt_install libnginx-mod-http-brotli-static \
      || echo "Could not install nginx's brotli module: the deployment tests will be skipped." >&2
  fi
}

lint() {
  echo "== Lint (ruff) and the layers (lint-imports, contracts in pyproject.toml) =="
  "$VENV/bin/ruff" check .
  "$VENV/bin/ruff" format --check .
  "$VENV/bin/lint-imports"
}

case "${1:-}" in
  serve)
    setup_python .
    setup_pdf_libraries
    export FLASK_APP=wsgi
    "$VENV/bin/flask" db upgrade
    "$VENV/bin/flask" demo load --password "$DEMO_PASSWORD"
    echo
    echo "Near-miss reporting is running at http://localhost:$PORT/ (passkeys need localhost, not 127.0.0.1)"
    echo "Sign in with any demo account and the password: $DEMO_PASSWORD"
    echo "  dsp@demo.test (North County), dsp2@demo.test (Riverside), supervisor@demo.test,"
    echo "  nurse@demo.test, scheduler@demo.test, operations@demo.test, quality@demo.test,"
    echo "  safeguarding@demo.test, trainer@demo.test, manager@demo.test, admin@demo.test"
    echo
    export BASE_URL=${BASE_URL:-http://localhost:$PORT}
    exec "$VENV/bin/flask" run --host 127.0.0.1 --port "$PORT"
    ;;
  test)
    shift
    setup_python ".[test]"
    setup_pdf_libraries
    setup_pdf_tools
    setup_node
    setup_browser
    setup_servers
    lint
    echo "== Outbox and service worker tests (node --test) =="
    node --test tests/js/
    echo "== Python tests (pytest) =="
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  lint)
    setup_python ".[test]"
    lint
    ;;
  setup)
    setup_python ".[test]"
    setup_pdf_libraries
    setup_pdf_tools
    setup_node
    setup_browser
    setup_servers
    ;;
  bench)
    setup_python ".[test]"
    setup_browser
    setup_servers
    for module in bench/[a-z]*.py; do
      name=$(basename "$module" .py)
      case "$name" in common | bare_insert_app) continue ;; esac
      "$VENV/bin/python" -m "bench.$name"
    done
    ;;
  *)
    echo "usage: ./dev.sh serve | ./dev.sh test [pytest args] | ./dev.sh lint | ./dev.sh setup | ./dev.sh bench" >&2
    exit 2
    ;;
esac
