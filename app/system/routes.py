from flask import jsonify, render_template
from flask_login import current_user, login_required
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.core.permissions import visible_region_ids
from app.extensions import db
from app.feedback.queries import feed_for
from app.jobs.queue import redis_connection
from app.system import bp


@bp.get("/")
@login_required
def home():
    """Everyone's start: report a near miss, their reports, and what changed because staff reported."""
    can_see_others = visible_region_ids(current_user) != frozenset()
    return render_template(
        "system/home.html", can_see_others=can_see_others, posts=feed_for(current_user, limit=5)
    )


@bp.get("/healthz")
def healthz():
    """200 when the database (and Redis, when configured) answer; 503 naming the part that is down."""
    parts = {}
    try:
        db.session.execute(text("SELECT 1"))
        parts["database"] = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        parts["database"] = "down"
    connection = redis_connection()
    if connection is not None:
        try:
            connection.ping()
            parts["redis"] = "ok"
        except RedisError:
            parts["redis"] = "down"
    if "down" in parts.values():
        return jsonify(status="unavailable", **parts), 503
    return jsonify(status="ok")
