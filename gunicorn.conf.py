"""gunicorn settings for production: ``gunicorn wsgi:app`` reads this file from the working directory.

Everything can be set from the environment (flags on the command line win over this file):

- ``BIND`` (e.g. ``0.0.0.0:8000`` or ``unix:/run/nearmiss.sock``), else ``127.0.0.1:$PORT`` (PORT
  defaults to 8000). Behind nginx on the same machine, keep the default loopback address.
- ``WEB_CONCURRENCY``: worker processes, default 2 per CPU plus 1 (capped at 12).
- ``GUNICORN_THREADS``: threads per worker (gthread), default 4. Requests mostly wait on PostgreSQL, so
  threads add throughput cheaply; each worker's SQLAlchemy pool serves its threads.
- ``GUNICORN_TIMEOUT`` (default 60 s, above the longest synchronous work: an evidence-pack PDF has 120 s
  only when asked for a very long period - raise it with the pack size), ``GUNICORN_GRACEFUL_TIMEOUT``
  (default 20 s), ``GUNICORN_KEEPALIVE`` (default 5 s, above nginx's upstream keepalive reuse).

The access log is off: the app writes one JSON line per request itself (request id, route rule, status,
duration, user id), without the raw path or query string, which may hold ids (see
app/observability/requestlog.py).

``preload_app`` is off on purpose: each worker imports the app and opens its own database and Redis
connections after the fork (no connection is ever shared across processes), and ``kill -HUP`` reloads
new code without restarting the master. The cost is a little more memory per worker.

``post_worker_init`` warms the PDF renderer in each worker (WeasyPrint imported and its fonts set up,
in a background thread), so cue guides and packs fork from a warm process (``app.core.pdf.warm_up``).

Before anything starts, ``on_starting`` runs the production settings check (``flask --app wsgi
check-settings``): with ``NEARMISS_ENV=production`` gunicorn refuses to start while a problem remains;
in any other environment the problems are only logged.

Metrics under several workers: ``PROMETHEUS_MULTIPROC_DIR`` makes every worker write its counters to
files that ``/metrics`` adds up. When it is unset, this file makes a private directory for this master
(and removes it on exit), so the metrics are right out of the box.
"""

import multiprocessing
import os
import shutil
import tempfile
import threading


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}.") from None


bind = [os.environ.get("BIND") or f"127.0.0.1:{_int('PORT', 8000)}"]
workers = _int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 12))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
# Longer than the PDF renderer's own limit (120 s, app.core.pdf / app.packs.rendering), so a pack that
# takes too long ends with its own clear answer rather than a killed worker.
timeout = _int("GUNICORN_TIMEOUT", 150)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
preload_app = False
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Headers and request lines beyond these are refused before they reach the app.
limit_request_line = 8190
limit_request_fields = 100
# nginx on this machine terminates TLS and sets X-Forwarded-*; the app trusts them through ProxyFix
# (PROXY_FIX_HOPS), so gunicorn's own forwarded-header handling is limited to loopback.
forwarded_allow_ips = "127.0.0.1,::1"
proc_name = "nearmiss"

_OWN_METRICS_DIR = "NEARMISS_GUNICORN_OWN_METRICS_DIR"
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Set before any worker imports prometheus_client, so every worker writes to files.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="nearmiss-metrics-")
    os.environ[_OWN_METRICS_DIR] = os.environ["PROMETHEUS_MULTIPROC_DIR"]


class SettingsRefused(SystemExit):
    """Raised by ``on_starting`` when production settings fail the check."""


def settings_problems() -> tuple[str, list[str]]:
    """The environment name and the production settings problems, read the way the app reads them."""
    from app.config import Config, check_production_settings

    values = {name: getattr(Config, name) for name in dir(Config) if name.isupper()}
    return Config.ENV_NAME, check_production_settings(values)


def on_starting(server):
    """Refuse to start in production while the settings check finds a problem; warn elsewhere."""
    env_name, problems = settings_problems()
    if problems and env_name == "production":
        listed = "\n".join(f"  - {problem}" for problem in problems)
        server.log.error("Refusing to start: the production settings check failed:\n%s", listed)
        raise SettingsRefused(f"Refusing to start with unsafe production settings:\n{listed}")
    for problem in problems:
        server.log.warning("settings (not production, so starting anyway): %s", problem)
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory and os.path.isdir(directory):
        # Counters left by an earlier run of this master would be added to this run's.
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.unlink(os.path.join(directory, name))


def post_worker_init(worker):
    """Warm the PDF renderer as the worker starts (WeasyPrint imported, fonts set up), in a thread so
    the worker takes requests at once: every PDF it draws then forks from a warm process instead of
    paying about a second of cold start. A render asked for meanwhile waits for the warm-up."""
    from app.core.pdf import warm_up

    threading.Thread(target=warm_up, name="pdf-warm-up", daemon=True).start()


def when_ready(server):
    server.log.info(
        "nearmiss is ready on %s with %s worker(s)", ", ".join(server.cfg.bind), server.cfg.workers
    )


def child_exit(server, worker):
    """A worker that has gone leaves its live gauges behind; tell prometheus_client."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    own = os.environ.get(_OWN_METRICS_DIR)
    if own and own == os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        shutil.rmtree(own, ignore_errors=True)
