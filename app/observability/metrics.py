"""Prometheus metrics: requests by route rule and status, latency, queue depth, reports submitted.

Under several gunicorn workers set ``PROMETHEUS_MULTIPROC_DIR`` (gunicorn.conf.py does it for you):
each worker writes its counters to files there and ``/metrics`` adds them up. ``/metrics`` answers only
loopback callers that came straight in (no proxy header), or a caller with ``Authorization: Bearer
<METRICS_TOKEN>``; anyone else gets 404, as if it were not there.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.jobs.queries import queue_state
from app.observability.requestlog import route_rule
from app.reports.signals import report_submitted

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "nearmiss_http_requests",
    "HTTP requests answered, by method, route rule and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "nearmiss_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route rule.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
REPORTS_SUBMITTED = Counter(
    "nearmiss_reports_submitted",
    "New near-miss reports stored (replays of the same report are not counted).",
    registry=REGISTRY,
)
_PENDING_REPORTS = "nearmiss_metrics_reports"
_PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")


def _report_submitted(report, **_):
    info = db.session.info
    info[_PENDING_REPORTS] = info.get(_PENDING_REPORTS, 0) + 1


@event.listens_for(Session, "after_commit")
def _count_committed_reports(session):
    count = session.info.pop(_PENDING_REPORTS, 0)
    if count:
        REPORTS_SUBMITTED.inc(count)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_reports(session):
    session.info.pop(_PENDING_REPORTS, None)


class QueueDepthCollector:
    """Read at scrape time: jobs waiting, running, waiting to retry and failed (only with Redis)."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        with self.app.app_context():
            state = queue_state(self.app)
        if state is None:
            return
        up = GaugeMetricFamily("nearmiss_redis_up", "Whether Redis answered this scrape.")
        up.add_metric([], 1 if state.available else 0)
        yield up
        if not state.available:
            return
        depth = GaugeMetricFamily(
            "nearmiss_job_queue_depth", "Background jobs by state.", labels=["queue", "state"]
        )
        for name in ("queued", "started", "scheduled", "failed"):
            depth.add_metric([state.name, name], getattr(state, name))
        yield depth
        workers = GaugeMetricFamily("nearmiss_job_workers", "RQ workers listening.", labels=["queue"])
        workers.add_metric([state.name], state.workers)
        yield workers


class _Collected:
    """Adapts a ``collect`` callable to the registry interface."""

    def __init__(self, collect):
        self.collect = collect


def exposition(app: Flask) -> bytes:
    """The metrics page: this process's metrics, or all workers' in multiprocess mode, plus the queue."""
    registry = CollectorRegistry()
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        multiprocess.MultiProcessCollector(registry, path=directory)
    else:
        registry.register(_Collected(REGISTRY.collect))
    registry.register(QueueDepthCollector(app))
    return generate_latest(registry)


def _is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def metrics_allowed() -> bool:
    """A bearer token that matches METRICS_TOKEN, or a loopback caller that no proxy forwarded."""
    token = current_app.config.get("METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer "):
        return hmac.compare_digest(given[len("Bearer ") :].encode(), token.encode())
    if any(request.headers.get(name) for name in _PROXY_HEADERS):
        return False
    original = request.environ.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR")
    return _is_loopback(request.remote_addr) and (original is None or _is_loopback(original))


def register(app: Flask) -> None:
    report_submitted.connect(_report_submitted, weak=False)

    @app.after_request
    def _observe(response):
        route = route_rule()
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        started = g.get("request_started")
        if started is not None:
            LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        return response

    @app.get("/metrics", endpoint="metrics")
    def metrics_page():
        if not metrics_allowed():
            abort(404)
        response = Response(exposition(app), content_type=CONTENT_TYPE_LATEST)
        response.headers["Cache-Control"] = "no-store"
        return response
