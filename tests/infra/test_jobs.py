"""Background jobs inline (no Redis) and on RQ (Redis database 5, a burst worker in this process)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.audit.models import AuditEvent
from app.core.audit.operations import first_chain_problem
from app.core.roles import Role
from app.escalations.models import StopTheLineAlert
from app.extensions import db
from app.jobs.queue import enqueue, rq_queue
from app.jobs.registry import recurring_jobs, resolve
from app.jobs.worker import SimpleAppWorker, build_scheduler
from app.notifications.models import Notification
from app.system.tasks import check_clocks
from tests.factories import csrf_from_page, login
from tests.infra.conftest import closed_port_url, free_port


def overdue_alert(app, make) -> None:
    """A stop-the-line alert unacknowledged past its target (the clock check escalates it)."""
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.report("dsp@x.test", still_at_risk=True)
    with app.app_context():
        alert = db.session.scalar(select(StopTheLineAlert))
        alert.raised_at -= timedelta(minutes=20)
        db.session.commit()


def alert_level(app) -> int:
    with app.app_context():
        return db.session.scalar(select(StopTheLineAlert.level))


def run_worker(app) -> None:
    with app.app_context():
        queue = rq_queue(app)
        SimpleAppWorker([queue], connection=queue.connection, app=app).work(burst=True)


def emailed(app) -> list:
    with app.app_context():
        return list(db.session.scalars(select(Notification.emailed_at)))


def failing_mail(config) -> None:
    config.update(MAIL_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


# --- inline (the embedded default: no Redis) -------------------------------------------------------


def test_jobs_run_by_registered_name_only(app):
    """Features register their jobs (app.jobs.registry); a name that was never registered is refused,
    even when it names a real function."""
    assert resolve("app.system.tasks:check_clocks") is check_clocks
    clusters = resolve("app.dashboard.tasks:detect_clusters_for_week")
    assert clusters.job_name == "app.dashboard.tasks:detect_clusters_for_week"
    assert {r.command for r in recurring_jobs()} == {"clocks", "clusters"}
    for name in ("app.dashboard.tasks:run_cluster_detection", "os:system", "app.system.tasks:nothing"):
        with pytest.raises(LookupError):
            resolve(name)


def test_jobs_waiting_under_their_former_names_still_run(app):
    """Jobs queued in Redis before the tasks moved to their features (app.jobs.tasks) keep running
    after an upgrade."""
    assert resolve("app.jobs.tasks:check_clocks") is check_clocks
    assert resolve("app.jobs.tasks:detect_clusters_for_week") is resolve(
        "app.dashboard.tasks:detect_clusters_for_week"
    )


def test_inline_job_runs_at_once_in_its_own_app_context(app, make):
    overdue_alert(app, make)
    with app.app_context():
        assert enqueue(check_clocks) is None
    assert alert_level(app) == 2


def test_inline_job_held_for_commit_is_dropped_on_rollback(app, make):
    overdue_alert(app, make)
    with app.app_context():
        db.session.execute(select(1))
        enqueue(check_clocks, after_commit=True)
        assert alert_level(app) == 1, "held until the transaction commits"
        db.session.rollback()
    assert alert_level(app) == 1
    with app.app_context():
        db.session.execute(select(1))
        enqueue(check_clocks, after_commit=True)
        db.session.commit()
    assert alert_level(app) == 2


def test_inline_failure_is_audited_shown_to_admins_and_retried(app, make, smtp_config, inbox):
    failing_mail(smtp_config)
    overdue_alert(app, make)  # the alert's e-mail to the supervisor fails: nothing listens there
    assert emailed(app) == [None]
    failed = [a for a in audit_actions(app) if a.startswith("job.")]
    assert failed == ["job.failed"]
    make.user("admin@x.test", roles=[Role.ADMIN])
    admin = app.test_client()
    login(admin, "admin@x.test")
    page = admin.get("/admin/jobs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="inline-failures"' in html
    assert "deliver_email" in html and "ConnectionRefusedError" in html
    with app.app_context():
        event_id = db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "job.failed"))

    smtp_config.update(MAIL_PORT=inbox.port)
    token = csrf_from_page(admin, "/admin/jobs")
    answer = admin.post(f"/admin/jobs/inline/{event_id}/retry", data={"csrf_token": token})
    assert answer.status_code == 302
    assert len(inbox.wait_for(1)) == 1 and inbox.messages[0].rcpt_tos == ["sup@x.test"]
    assert emailed(app)[0] is not None
    html = admin.get("/admin/jobs").get_data(as_text=True)
    assert "Retried: done" in html and "The job ran and succeeded." in html
    again = admin.post(f"/admin/jobs/inline/{event_id}/retry", data={"csrf_token": token})
    assert again.status_code == 302 and len(inbox.messages) == 1, "e-mailed once only"
    with app.app_context():
        assert first_chain_problem() is None


def test_failed_jobs_page_is_for_admins_only(app, make):
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD])
    client = app.test_client()
    assert client.get("/admin/jobs").status_code == 302
    login(client, "quality@x.test")
    assert client.get("/admin/jobs").status_code == 403
    token = csrf_from_page(client, "/report")
    assert client.post("/admin/jobs/inline/1/retry", data={"csrf_token": token}).status_code == 403


def test_unknown_failures_are_404_not_500(app, make):
    make.user("admin@x.test", roles=[Role.ADMIN])
    admin = app.test_client()
    login(admin, "admin@x.test")
    token = csrf_from_page(admin, "/admin/jobs")
    assert admin.post("/admin/jobs/inline/999/retry", data={"csrf_token": token}).status_code == 404
    assert admin.post("/admin/jobs/no-such-job/retry", data={"csrf_token": token}).status_code == 404
    assert admin.post("/admin/jobs/bad%20id!/retry", data={"csrf_token": token}).status_code == 404


def test_enqueue_refuses_unmarked_functions_and_bad_ids(app):
    with app.app_context():
        with pytest.raises(TypeError):
            enqueue(print, "x")
        with pytest.raises(ValueError):
            enqueue(check_clocks, job_id="no spaces allowed")


# --- on RQ with Redis ------------------------------------------------------------------------------


def test_rq_job_waits_for_a_worker_then_its_effect_is_visible(app, make, redis_url):
    overdue_alert(app, make)
    with app.app_context():
        job = enqueue(check_clocks)
        assert job is not None and job.get_status() == "queued"
    assert alert_level(app) == 1, "nothing runs until a worker takes the job"
    run_worker(app)
    assert alert_level(app) == 2
    with app.app_context():
        job.refresh()
        assert job.get_status() == "finished"
        assert job.return_value().escalated == 1


def test_rq_job_id_is_enqueued_once(app, make, redis_url):
    with app.app_context():
        first = enqueue(check_clocks, job_id="clocks-2026-11-26T0400")
        second = enqueue(check_clocks, job_id="clocks-2026-11-26T0400")
        assert first is not None and second is None
        assert rq_queue(app).count == 1


def test_notification_e_mail_is_a_job_enqueued_after_commit(app, make, redis_url, smtp_config, inbox):
    smtp_config.update(MAIL_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port)
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.report("dsp@x.test", still_at_risk=True)
    with app.app_context():
        notification_id = db.session.scalar(select(Notification.id))
        assert rq_queue(app).job_ids == [f"notification-email-{notification_id}"]
    assert inbox.messages == [] and emailed(app) == [None]
    run_worker(app)
    assert len(inbox.wait_for(1)) == 1 and emailed(app)[0] is not None


def test_failing_rq_job_is_retried_then_shown_to_admins_with_a_retry_button(
    app, make, redis_url, smtp_config, inbox
):
    failing_mail(smtp_config)
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.report("dsp@x.test", still_at_risk=True)
    run_worker(app)
    with app.app_context():
        queue = rq_queue(app)
        job_id = queue.job_ids[0] if queue.job_ids else queue.failed_job_registry.get_job_ids()[0]
        assert queue.failed_job_registry.get_job_ids() == [job_id]
        assert queue.fetch_job(job_id).retries_left == 0, "three retries before giving up"
    assert emailed(app) == [None]

    make.user("admin@x.test", roles=[Role.ADMIN])
    admin = app.test_client()
    login(admin, "admin@x.test")
    html = admin.get("/admin/jobs").get_data(as_text=True)
    assert 'id="failed-jobs"' in html and job_id in html and "ConnectionRefusedError" in html
    assert "no worker is running" in html and "<td>3</td>" in html

    smtp_config.update(MAIL_PORT=inbox.port)
    token = csrf_from_page(admin, "/admin/jobs")
    assert admin.post(f"/admin/jobs/{job_id}/retry", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert rq_queue(app).failed_job_registry.count == 0 and rq_queue(app).count == 1
    run_worker(app)
    assert len(inbox.wait_for(1)) == 1 and emailed(app)[0] is not None
    assert "job.retried" in audit_actions(app)
    assert admin.post(f"/admin/jobs/{job_id}/retry", data={"csrf_token": token}).status_code == 404
    assert "No failed jobs." in admin.get("/admin/jobs").get_data(as_text=True)


def test_enqueue_runs_inline_when_redis_does_not_answer(app, make):
    overdue_alert(app, make)
    saved = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = closed_port_url()
    try:
        with app.app_context():
            assert enqueue(check_clocks) is None
    finally:
        app.config["REDIS_URL"] = saved
        app.extensions.pop("nearmiss_redis", None)
    assert alert_level(app) == 2


def test_scheduler_enqueues_the_clock_check_and_a_worker_runs_it(app, make, redis_url):
    overdue_alert(app, make)
    with app.app_context():
        scheduler = build_scheduler(app)
        names = sorted(job.name for job in scheduler.get_jobs())
        assert names == ["tasks:check_clocks()", "tasks:detect_clusters_for_week()"]
        weekly = next(j for j in scheduler.get_jobs() if j.cron)
        assert weekly.cron == "15 2 * * 1" and weekly.next_enqueue_time.weekday() in (0, 6, 1)
        due = scheduler.enqueue_jobs()
        assert [job.name for job in due] == ["tasks:check_clocks()"], "the interval job is due at once"
    run_worker(app)
    assert alert_level(app) == 2


def test_worker_command_runs_the_queue(app, make, redis_url):
    overdue_alert(app, make)
    with app.app_context():
        enqueue(check_clocks)
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst", "--simple"])
    assert result.exit_code == 0, result.output
    assert alert_level(app) == 2


def test_jobs_commands_without_redis_point_at_cron(app):
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 1 and "REDIS_URL is unset" in result.output and "cron" in result.output


def test_enqueue_command_runs_clusters_inline_without_redis(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["jobs", "enqueue", "clusters", "--week", "2026-11-02"])
    assert result.exit_code == 0 and "Ran inline." in result.output
    bad = runner.invoke(args=["jobs", "enqueue", "clusters", "--week", "November"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_a_worker_warms_the_pdf_renderer_once_before_its_first_job(app, make, redis_url, monkeypatch):
    """Pack renders run in work horses forked from the worker: the worker pays WeasyPrint's cold start
    once, before it takes a job, not once per job."""
    import app.jobs.worker as worker_module

    calls = []
    monkeypatch.setattr(worker_module, "warm_up", lambda: calls.append(alert_level(app)))
    overdue_alert(app, make)
    with app.app_context():
        enqueue(check_clocks)
        enqueue(check_clocks, job_id="second-check")
    run_worker(app)
    assert calls == [1], "warmed once, before the first job ran"
    assert alert_level(app) == 2


def test_a_worker_without_the_pdf_libraries_still_runs_its_jobs(app, make, redis_url, monkeypatch):
    import app.jobs.worker as worker_module

    def missing_pango():
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(worker_module, "warm_up", missing_pango)
    overdue_alert(app, make)
    with app.app_context():
        enqueue(check_clocks)
    run_worker(app)
    assert alert_level(app) == 2
