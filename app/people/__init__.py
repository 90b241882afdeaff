"""The person in the middle (issue 20): every report, review, cluster, action and incident about one
person reference on one timeline, for the roles that plan support; everywhere else the person is a
pseudonym. Each opening is audited; an administrator corrects or merges references."""

from flask import Blueprint

bp = Blueprint("people", __name__)

from app.people import routes  # noqa: E402, F401
