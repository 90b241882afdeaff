from flask import jsonify, render_template
from flask_login import current_user, login_required

from app.core.permissions import visible_region_ids
from app.feedback.queries import feed_for
from app.system import bp
from app.system.queries import parts_health


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
    parts = parts_health()
    if "down" in parts.values():
        return jsonify(status="unavailable", **parts), 503
    return jsonify(status="ok")
