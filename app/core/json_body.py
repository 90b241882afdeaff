"""A JSON request body, read and parsed once per request.

The routes that take JSON read it through here, and so does anything that must look at the body
before the route runs (the submission rate limit counts the reports in a batch), without reading or
parsing it twice.
"""

import json

from flask import g, request

NOT_JSON = "not_json"
BAD_JSON = "bad_json"


def json_body():
    """``(body, None)``, or ``(None, NOT_JSON)`` without a JSON content type, or ``(None, BAD_JSON)``
    for a body that does not parse. A body too large for ``MAX_CONTENT_LENGTH`` raises 413."""
    if "_json_body" not in g:
        g._json_body = _parse()
    return g._json_body


def _parse():
    if not request.is_json:
        return None, NOT_JSON
    try:
        return json.loads(request.get_data(cache=False) or b"null"), None
    except (ValueError, RecursionError):
        return None, BAD_JSON
