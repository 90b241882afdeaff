"""Anonymous reports through a public link per program (issue 19, point 3).

An administrator opens a reporting link for a program; its QR code goes on the cue guides. Anyone with
the link files a short report without an account; nothing about the sender is stored (no name, address
or browser). The sender gets a receipt code that shows that one report's status and nothing more.
"""

from flask import Blueprint

bp = Blueprint("anonymous", __name__)

from app.anonymous import admin_routes, routes, sections  # noqa: E402, F401
