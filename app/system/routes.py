from flask import jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.core.permissions import visible_region_ids
from app.extensions import db
from app.feedback.queries import feed_for
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
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="down"), 503
    return jsonify(status="ok")
