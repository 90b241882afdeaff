"""Evidence packs drawn by an RQ worker: queued, drawn once, collected; a failed draw is visible."""

from datetime import timedelta

from sqlalchemy import select

from app.core.roles import Role
from app.extensions import db
from app.packs.models import PackRender
from tests.factories import csrf_from_page, login
from tests.infra.test_jobs import run_worker


def test_a_queued_pack_waits_for_the_worker_then_is_ready(app, make, redis_url):
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    client = app.test_client()
    login(client, "quality@x.test")
    token = csrf_from_page(client, "/packs")
    status_url = client.post("/packs/oversight/render", data={"csrf_token": token}).headers["Location"]
    assert "Being drawn" in client.get(status_url).get_data(as_text=True)
    assert client.get(status_url + ".pdf").status_code == 409, "not ready yet"

    run_worker(app)
    assert "Ready" in client.get(status_url).get_data(as_text=True)
    assert client.get(status_url + ".pdf").data.startswith(b"%PDF")

    with app.app_context():
        from app.jobs.queue import enqueue
        from app.packs.rendering import render_pack

        render = db.session.scalar(select(PackRender))
        finished = render.finished_at
        enqueue(render_pack, render.id)
    run_worker(app)
    with app.app_context():
        assert db.session.scalar(select(PackRender.finished_at)) == finished, "a done pack is not drawn again"


def test_renders_older_than_a_week_are_cleared(app, make):
    from app.core.models import now_utc

    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    client = app.test_client()
    login(client, "quality@x.test")
    token = csrf_from_page(client, "/packs")
    client.post("/packs/oversight/render", data={"csrf_token": token})
    with app.app_context():
        render = db.session.scalar(select(PackRender))
        render.created_at = now_utc() - timedelta(days=8)
        db.session.commit()
    client.post("/packs/oversight/render", data={"csrf_token": token})
    with app.app_context():
        assert len(db.session.scalars(select(PackRender)).all()) == 1
