"""Wiring Flask-Login to server-side sessions: the cookie's token must match a live session row."""

from datetime import timedelta

from flask import current_app, jsonify, redirect, request, url_for

from app.auth.operations import load_session_user
from app.extensions import db, login_manager


def is_api_request() -> bool:
    return request.path.startswith("/api/")


@login_manager.user_loader
def _load_user(token: str):
    user = load_session_user(
        token,
        absolute=timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"]),
        idle=timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]),
    )
    if db.session.dirty:
        db.session.commit()
    return user


@login_manager.unauthorized_handler
def _unauthorized():
    if is_api_request():
        response = jsonify(error="unauthenticated", message="Sign in to continue.")
        response.status_code = 401
        return response
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def safe_next_url(candidate: str | None) -> str | None:
    """Only same-site relative paths: never let ``next`` send a user to another host."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return None
    if "\\" in candidate:
        return None
    return candidate
