"""One cache rule for the whole app: nothing a signed-in user sees, and no API answer, is stored by a
browser or a proxy. The service worker decides on its own what to keep offline (the form, the guides),
and static files and the worker itself keep their own headers."""

from flask import request
from flask_login import current_user

_OWN_HEADERS = ("/static/", "/sw.js", "/sw/", "/manifest.webmanifest")


def register(app) -> None:
    @app.after_request
    def _no_store(response):
        if request.path.startswith(_OWN_HEADERS):
            return response
        if request.path.startswith("/api/") or current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response
