"""Plausible rows for whatever schema a revision left, and what a database holds, table by table.

``PlausibleRows`` reads the schema from the database (SQLAlchemy reflection), not from the app's
models, so it fills the tables of any revision, including revisions added after this was written. Each
call adds one row to every table, parents before children: every column gets a value of its type
(nullable ones too, so every column carries data through the migrations), foreign keys point at the
row just added to the parent table, and every value carries a serial number, so unique constraints hold
however many times it is called. A value a check constraint limits goes in ``COLUMN_VALUES``.
"""

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

START = datetime(2026, 1, 5, 8, 30)
VERSION_TABLE = "alembic_version"

# Columns whose plausible value their type does not tell, by (table, column): JSON objects where the
# default is a JSON list, or values a check constraint limits. Called with the row's serial number.
COLUMN_VALUES: dict[tuple[str, str], Callable[[int], Any]] = {
    ("actions", "measure"): lambda n: {"metric": "reports", "baseline": n, "target": 0},
    ("triage_matrix_versions", "cells"): lambda n: {"low": {"single": "none"}},
    ("cue_guide_versions", "content"): lambda n: {"title": f"Guide {n}"},
}

Rows = dict[tuple, dict[str, Any]]


@dataclass(frozen=True)
class State:
    """What a database holds: its tables with their column names, and every row by primary key.

    Rows are read as the driver returns them, with no type conversion, so a change in how a value is
    stored shows up too.
    """

    columns: dict[str, list[str]]
    rows: dict[str, Rows]
    metadata: sa.MetaData = field(compare=False, repr=False)


def schema(connection: Connection) -> sa.MetaData:
    """The tables as the database has them now (Alembic's version table left out)."""
    metadata = sa.MetaData()
    metadata.reflect(connection)
    if VERSION_TABLE in metadata.tables:
        metadata.remove(metadata.tables[VERSION_TABLE])
    return metadata


def column_names(connection: Connection) -> dict[str, set[str]]:
    """Each table's column names, read far more cheaply than a full reflection."""
    found = sa.inspect(connection).get_multi_columns()
    return {
        table: {c["name"] for c in columns} for (_, table), columns in found.items() if table != VERSION_TABLE
    }


def state(connection: Connection, metadata: sa.MetaData) -> State:
    """The database's tables and rows, read with ``metadata``: the schema it must still have."""
    expected = {table.name: {column.name for column in table.columns} for table in metadata.sorted_tables}
    actual = column_names(connection)
    assert actual == expected, f"the schema is not the one reflected before: {_differences(expected, actual)}"
    quote = connection.dialect.identifier_preparer.quote
    columns, rows = {}, {}
    for table in metadata.sorted_tables:
        names = [column.name for column in table.columns]
        key = [names.index(c.name) for c in table.primary_key.columns] or list(range(len(names)))
        select = f"SELECT {', '.join(quote(n) for n in names)} FROM {quote(table.name)}"  # noqa: S608 (reflected names)
        columns[table.name] = names
        rows[table.name] = {
            tuple(row[i] for i in key): dict(zip(names, row, strict=True))
            for row in connection.exec_driver_sql(select)
        }
    return State(columns, rows, metadata)


def _differences(expected: dict[str, set[str]], actual: dict[str, set[str]]) -> str:
    lines = [
        f"table {name} {'missing' if name in expected else 'unexpected'}"
        for name in expected.keys() ^ actual.keys()
    ]
    for name in expected.keys() & actual.keys():
        if expected[name] != actual[name]:
            lines.append(
                f"{name}: missing {expected[name] - actual[name]}, unexpected {actual[name] - expected[name]}"
            )
    return "; ".join(sorted(lines))


def lost_or_changed(before: State, after: State, *, may_go: dict[str, set] | None = None) -> list[str]:
    """Every row of ``before`` missing or altered in ``after``, for the tables both have.

    ``may_go`` names rows (table → primary keys) allowed to be missing, e.g. what an upgrade seeded and
    its downgrade takes out again. Only the columns both states have are compared.
    """
    may_go = may_go or {}
    problems = []
    for name, rows in before.rows.items():
        if name not in after.rows:
            continue
        now = after.rows[name]
        missing = sorted(set(rows) - set(now) - may_go.get(name, set()), key=repr)
        if missing:
            problems.append(f"{name}: {len(rows)} rows before, {len(now)} after; lost {missing[:10]}")
        shared = set(before.columns[name]) & set(after.columns[name])
        for key in sorted(set(rows) & set(now), key=repr):
            changed = {c: (rows[key][c], now[key][c]) for c in shared if rows[key][c] != now[key][c]}
            if changed:
                problems.append(f"{name} {key}: changed (before, after) {changed}")
    return problems


def added(before: State, after: State) -> dict[str, set]:
    """The rows of ``after`` that ``before`` did not have, by table."""
    return {
        name: set(rows) - set(before.rows.get(name, {}))
        for name, rows in after.rows.items()
        if set(rows) - set(before.rows.get(name, {}))
    }


class PlausibleRows:
    """Adds one row to every table, honouring NOT NULL, foreign keys and unique constraints."""

    def __init__(self) -> None:
        self._serial = itertools.count(1)

    def add_to_every_table(self, connection: Connection, metadata: sa.MetaData) -> None:
        """One more row in each table of ``metadata`` (the database's schema as reflected)."""
        newest: dict[str, dict[str, Any]] = {}
        for table in metadata.sorted_tables:
            row = self._row(table, newest)
            try:
                result = connection.execute(table.insert().values(row))
            except sa.exc.DBAPIError as error:
                raise AssertionError(
                    f"could not add a plausible row to {table.name} ({error.orig}); if a constraint "
                    f"needs particular values, give them in COLUMN_VALUES in {__name__}"
                ) from error
            primary_key = dict(
                zip([c.name for c in table.primary_key.columns], result.inserted_primary_key, strict=True)
            )
            newest[table.name] = {**row, **primary_key}

    def _row(self, table: sa.Table, newest: dict[str, dict[str, Any]]) -> dict[str, Any]:
        row = {}
        for column in table.columns:
            if column is table.autoincrement_column:
                continue
            row[column.name] = self._value(table, column, next(self._serial))
        for constraint in table.foreign_key_constraints:
            parent = newest.get(constraint.referred_table.name)
            for column, element in zip(constraint.columns, constraint.elements, strict=True):
                if parent is None and not column.nullable:
                    raise AssertionError(f"{table.name}.{column.name}: no row in {element.target_fullname}")
                row[column.name] = None if parent is None else parent[element.column.name]
        return row

    @staticmethod
    def _value(table: sa.Table, column: sa.Column, n: int) -> Any:
        special = COLUMN_VALUES.get((table.name, column.name))
        if special is not None:
            return special(n)
        kind = column.type
        if isinstance(kind, sa.Boolean):
            return n % 2 == 0
        if isinstance(kind, sa.Integer):
            return n
        if isinstance(kind, (sa.Float, sa.Numeric)):
            return n + 0.5
        if isinstance(kind, sa.DateTime):
            return START + timedelta(minutes=n)
        if isinstance(kind, sa.Date):
            return START.date() + timedelta(days=n)
        if isinstance(kind, sa.Time):
            return time(n % 24, n % 60)
        if isinstance(kind, sa.JSON):
            return [n]
        if isinstance(kind, sa.LargeBinary):
            return f"bytes of row {n}".encode()
        if isinstance(kind, sa.Uuid):
            return uuid.UUID(int=n)
        if isinstance(kind, sa.String):
            if isinstance(kind, sa.CHAR) and kind.length == 32:
                return uuid.UUID(int=n).hex  # how SQLite stores a Uuid column
            value = f"{column.name} {n}"
            return value if kind.length is None or len(value) <= kind.length else str(n)[-kind.length :]
        raise AssertionError(
            f"{table.name}.{column.name}: no plausible value for {kind!r}; teach {__name__} this type"
        )
