"""How often one person may submit reports: a bound on what one account, or a runaway client, can make
the servers do (store rows and photos, decode pictures, notify supervisors), set high enough that no
real shift ever meets it.

Counted per signed-in person, over the JSON API and the capture form together (one allowance, so the
form is no way round it), with the limits of ``REPORT_SUBMISSION_LIMITS``: by default 600 in 10 minutes
and 2,000 in a day. A phone back online after a long offline shift sends its whole outbox back to back,
in batches of up to 25 (each report of a batch counts once, as if sent alone): a queue of 200 drains
in one go, and so do a phone's and a tablet's at once, with their replays (every report sent counts,
a replay too). A busy shift files tens of reports, not
hundreds. A client stuck in a loop is held to one submission a second on average, and 2,000 a day.
Above a limit the answer is 429 with ``Retry-After`` (seconds until the window frees), which the outbox
treats as "retry later": the report stays queued. Not signed in is exempt here: the route answers 401.

Counts live where the sign-in limits do (``RATELIMIT_STORAGE_URI``: Redis shared by every server when
``REDIS_URL`` is set; otherwise in memory, where each worker process counts on its own) and are
switched off with them (``RATELIMIT_ENABLED``).
"""

from flask_babel import lazy_gettext as _l

from app.core.rate_limits import per_person_limit
from app.reports.submission_batch import batch_cost

_SCOPE = "report-submission"
# Retry-After carries the exact wait for the outbox; the words are for a person.
_MESSAGE = _l("Too many reports in a short time. Nothing was lost: try again in a few minutes.")

submission_limit = per_person_limit("REPORT_SUBMISSION_LIMITS", scope=_SCOPE, message=_MESSAGE)
"""Decorates every route that submits one report."""

batch_submission_limit = per_person_limit(
    "REPORT_SUBMISSION_LIMITS", scope=_SCOPE, message=_MESSAGE, cost=batch_cost
)
"""Decorates the batch route: the same allowance, each report of a batch counting once (a batch over
what is left of the allowance is refused whole with 429, and nothing of it is stored)."""
