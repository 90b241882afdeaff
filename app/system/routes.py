from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.core.permissions import visible_region_ids
from app.core.roles import Role
from app.extensions import db
from app.system import bp


@bp.get("/")
@login_required
def home():
    """DSPs land on the report form; everyone else on a page of what they can do."""
    if current_user.roles == {Role.DSP}:
        return redirect(url_for("reports.new_report"))
    can_see_others = visible_region_ids(current_user) != frozenset()
    return render_template("system/home.html", can_see_others=can_see_others)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="down"), 503
    return jsonify(status="ok")
