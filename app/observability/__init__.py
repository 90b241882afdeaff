"""Request ids, one JSON log line per request, Prometheus metrics at /metrics, and ProxyFix.

Registered from ``create_app``. Nothing here reads a request's body or query string: the log line and
the metrics carry the route *rule* (``/reports/<int:report_id>``), never the raw path.
"""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.observability import metrics, requestlog


def register(app: Flask) -> None:
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:
        # nginx sets X-Forwarded-For and X-Forwarded-Proto; Host is passed through as it came.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    requestlog.register(app)
    metrics.register(app)
