"""Database ids: how big one can be, and the URL converter that refuses anything bigger.

Primary keys are INTEGER columns, 32-bit on PostgreSQL, so no row ever has an id above ``MAX_DB_ID``.
A bigger number from a URL or a form can only mean "not found"; sent to the database it can fail
instead (SQLite cannot bind an integer of 2**63 or more), which used to surface as a 500.
"""

from werkzeug.routing import IntegerConverter

MAX_DB_ID = 2**31 - 1
"""The largest id a row can have (PostgreSQL INTEGER)."""


def is_db_id(value: int) -> bool:
    """Whether ``value`` could be the id of a stored row."""
    return 0 < value <= MAX_DB_ID


class DbIdConverter(IntegerConverter):
    """Flask's ``int`` converter, bounded by ``MAX_DB_ID``: a bigger path segment does not match the
    route at all, so every ``<int:...>`` route answers 404 before its view runs."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_DB_ID, signed=False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register(app) -> None:
    """Make ``<int:...>`` in every route mean a database id. Call before any route is added."""
    app.url_map.converters["int"] = DbIdConverter
