"""/healthz with Redis, request ids and the JSON request log (no PHI), and /metrics."""

import json
import re

import pytest

from app.core.roles import Role
from tests.factories import api_token, login, post_report, report_body
from tests.infra.conftest import closed_port_url

PHRASE = "Zanzibar-blue pill organiser left in the rain"
PERSON = "QX-4471"


@pytest.fixture
def redis_config(app):
    saved = app.config["REDIS_URL"]
    yield app.config
    app.config["REDIS_URL"] = saved
    app.extensions.pop("nearmiss_redis", None)


# --- /healthz --------------------------------------------------------------------------------------


def test_healthz_names_redis_when_it_is_down(client, redis_config):
    redis_config["REDIS_URL"] = closed_port_url()
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "unavailable", "database": "ok", "redis": "down"}


def test_healthz_is_ok_with_redis_up(client, redis_url):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok"}


# --- request ids and the request log ------------------------------------------------------------


def test_a_sane_request_id_is_echoed_and_a_bad_one_replaced(client):
    given = "3f2c1a9e8b7d6c5f4e3d2c1b0a998877"
    assert client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given
    for bad in ("short", "has spaces in it ok", "x" * 200, "<script>alert(1)</script>"):
        echoed = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert echoed != bad and re.fullmatch(r"[0-9a-f]{32}", echoed)
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/healthz").headers["X-Request-ID"])


def request_lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "nearmiss.request"]


def test_request_log_has_one_json_line_per_request_and_no_health_information(app, make, caplog):
    make.user("dsp@x.test", regions=["North"])
    region_id = make.region("North")
    client = app.test_client()
    with caplog.at_level("DEBUG"):
        login(client, "dsp@x.test")
        token = api_token(client)
        answer = post_report(
            client,
            report_body(region_id, what_happened=PHRASE, person_ref=PERSON, location="Flat 9, Elm Row"),
            token,
        )
        assert answer.status_code == 201
        report_id = answer.get_json()["id"]
        page = client.get(f"/reports/{report_id}?q={PERSON}", headers={"X-Request-ID": "trace-0001-abcd"})
        assert page.status_code == 200 and PHRASE in page.get_data(as_text=True)
    everything = "\n".join(
        [r.getMessage() for r in caplog.records] + [str(r.args) for r in caplog.records] + [caplog.text]
    )
    for secret in (PHRASE, "Zanzibar", PERSON, "Elm Row", "dsp@x.test", "correct-horse"):
        assert secret not in everything, secret
    lines = request_lines(caplog)
    created = next(line for line in lines if line["method"] == "POST" and line["route"] == "/api/v1/reports")
    assert created["status"] == 201 and isinstance(created["user_id"], int)
    assert set(created) == {"event", "request_id", "method", "route", "status", "duration_ms", "user_id"}
    assert created["duration_ms"] >= 0 and created["request_id"] == answer.headers["X-Request-ID"]
    shown = next(line for line in lines if line["request_id"] == "trace-0001-abcd")
    assert shown["route"] == "/reports/<int:report_id>" and f"/reports/{report_id}" not in caplog.text
    signed_out = next(line for line in lines if line["route"] == "/login" and line["method"] == "GET")
    assert signed_out["user_id"] is None


def test_unmatched_paths_are_logged_without_the_path(client, caplog):
    with caplog.at_level("INFO", logger="nearmiss.request"):
        assert client.get("/no-such-page/JD-102").status_code == 404
    (line,) = request_lines(caplog)
    assert line["route"] == "<unmatched>" and "JD-102" not in caplog.text


# --- /metrics ----------------------------------------------------------------------------------------


def metric(text: str, name: str, **labels) -> float:
    """The value of one sample in Prometheus text format (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        sample, _, value = line.rpartition(" ")
        found = dict(re.findall(r'(\w+)="([^"]*)"', sample))
        if sample.split("{")[0] == name and all(found.get(k) == v for k, v in labels.items()):
            return float(value)
    return 0.0


def test_metrics_count_requests_by_route_rule_and_reports_submitted(app, make):
    make.user("dsp@x.test", regions=["North"])
    region_id = make.region("North")
    client = app.test_client()
    before = client.get("/metrics")
    assert before.status_code == 200
    assert before.headers["Content-Type"].startswith("text/plain; version=")
    assert before.headers["Cache-Control"] == "no-store"
    text = before.get_data(as_text=True)
    submitted = metric(text, "nearmiss_reports_submitted_total")
    health = metric(text, "nearmiss_http_requests_total", route="/healthz", status="200", method="GET")
    client.get("/healthz")
    login(client, "dsp@x.test")
    body = report_body(region_id)
    assert post_report(client, body).status_code == 201
    assert post_report(client, body).status_code == 200, "a replay"
    assert client.get("/api/v1/reports/987654").status_code == 404
    after = client.get("/metrics").get_data(as_text=True)
    assert metric(after, "nearmiss_reports_submitted_total") == submitted + 1, "replays are not counted"
    assert metric(after, "nearmiss_http_requests_total", route="/healthz", status="200") == health + 1
    assert metric(
        after, "nearmiss_http_requests_total", route="/api/v1/reports/<int:report_id>", status="404"
    )
    assert "987654" not in after
    assert metric(after, "nearmiss_http_request_duration_seconds_count", route="/api/v1/reports") >= 2
    assert 'le="0.05"' in after
    assert "nearmiss_job_queue_depth" not in after, "no queue without Redis"


def test_metrics_show_queue_depth_with_redis(app, make, redis_url):
    from app.jobs.queue import enqueue
    from app.system.tasks import check_clocks

    with app.app_context():
        enqueue(check_clocks)
    text = app.test_client().get("/metrics").get_data(as_text=True)
    assert metric(text, "nearmiss_job_queue_depth", queue="nearmiss", state="queued") == 1
    assert metric(text, "nearmiss_redis_up") == 1


def test_metrics_are_404_unless_loopback_or_the_token(app, make):
    client = app.test_client()
    assert client.get("/metrics").status_code == 200
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_base=outside).status_code == 404
    forwarded = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert forwarded.status_code == 404, "loopback through a proxy is still the outside world"
    make.user("admin@x.test", roles=[Role.ADMIN])
    login(client, "admin@x.test")
    assert client.get("/metrics", environ_base=outside).status_code == 404, "signing in is not enough"
    saved = app.config["METRICS_TOKEN"]
    app.config["METRICS_TOKEN"] = "scrape-token-0123456789"
    try:
        good = {"Authorization": "Bearer scrape-token-0123456789"}
        assert client.get("/metrics", environ_base=outside, headers=good).status_code == 200
        bad = {"Authorization": "Bearer scrape-token-wrong"}
        assert client.get("/metrics", environ_base=outside, headers=bad).status_code == 404
        assert client.get("/metrics", headers=bad).status_code == 404, "a wrong token is refused"
    finally:
        app.config["METRICS_TOKEN"] = saved


def test_proxy_fix_trusts_the_configured_hops_only(app):
    from app import create_app
    from app.config import TestConfig

    class Behind(TestConfig):
        PROXY_FIX_HOPS = 1

    proxied = create_app(Behind)

    @proxied.get("/_whoami")
    def whoami():
        from flask import request

        return {"addr": request.remote_addr, "scheme": request.scheme}

    headers = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"}
    seen = proxied.test_client().get("/_whoami", headers=headers).get_json()
    assert seen == {"addr": "198.51.100.7", "scheme": "https"}
    assert proxied.test_client().get("/metrics", headers=headers).status_code == 404
    from app.extensions import db

    with proxied.app_context():
        db.engine.dispose()
