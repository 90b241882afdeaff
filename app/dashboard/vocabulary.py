"""The dashboard's stored values as people read them."""

from flask_babel import lazy_gettext as _l

CLUSTER_STATUSES = {
    "new": _l("new"),
    "acknowledged": _l("acknowledged"),
    "dismissed": _l("dismissed"),
    "reviewing": _l("reviewing"),
}


def cluster_status_label(status: str) -> str:
    """A cluster's status in the reader's language (an unknown one as stored)."""
    return str(CLUSTER_STATUSES.get(status, status))
