"""A request id for every request and one JSON log line per request.

The line holds the request id, method, route rule, status, duration in milliseconds and the signed-in
user's id - never a name, an e-mail address, a query string or anything a report says.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, request
from sqlalchemy import inspect

logger = logging.getLogger("nearmiss.request")

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy may hand us (nginx's $request_id is 32 hex digits; UUIDs and similar tokens pass).
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{7,127}$")
UNMATCHED_ROUTE = "<unmatched>"


def request_id_from(header: str | None) -> str:
    """The caller's request id when it is sane, else a new one."""
    if header and _SANE_REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


def route_rule() -> str:
    """The matched URL rule of the current request (never the raw path, which may hold ids)."""
    rule = request.url_rule
    return rule.rule if rule is not None else UNMATCHED_ROUTE


def signed_in_user_id() -> int | None:
    """The user id Flask-Login loaded for this request, without loading one just for the log."""
    user = g.get("_login_user")
    # The identity map knows the id without a query; reading user.id (or is_authenticated) after the
    # request's commit would reload the expired user and its roles and regions just for a log line.
    state = inspect(user, raiseerr=False) if user is not None else None
    if state is None or state.identity is None:
        return None
    return state.identity[0]


class JsonLineFormatter(logging.Formatter):
    """The message is already a JSON object; add the time and level around it."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None)
        if fields is None:
            return super().format(record)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return json.dumps(
            {"ts": f"{stamp}.{int(record.msecs):03d}Z", "level": record.levelname.lower(), **fields},
            separators=(",", ":"),
        )


def _ensure_handler(app: Flask) -> None:
    """Outside tests, the request log goes to stderr as JSON lines (gunicorn's access log is off)."""
    if app.testing or any(getattr(h, "nearmiss_request_log", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    handler.nearmiss_request_log = True
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def register(app: Flask) -> None:
    if app.config.get("REQUEST_LOG", True):
        _ensure_handler(app)

    @app.before_request
    def _start_request():
        g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish_request(response):
        request_id = g.get("request_id") or request_id_from(None)
        response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started")
        duration = time.perf_counter() - started if started is not None else 0.0
        if app.config.get("REQUEST_LOG", True):
            fields = {
                "event": "request",
                "request_id": request_id,
                "method": request.method,
                "route": route_rule(),
                "status": response.status_code,
                "duration_ms": round(duration * 1000, 1),
                "user_id": signed_in_user_id(),
            }
            logger.info(json.dumps(fields, separators=(",", ":")), extra={"fields": fields})
        return response
