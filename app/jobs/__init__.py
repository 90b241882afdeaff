"""Background jobs: RQ with Redis when ``REDIS_URL`` is set, inline when not (see ``queue.py``).

``/admin/jobs`` shows failed jobs to administrators; ``flask --app wsgi jobs worker`` and ``jobs
scheduler`` run the queue and the recurring work.
"""

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")

from app.jobs import routes  # noqa: E402, F401
